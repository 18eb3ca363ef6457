import { TRPCClientError } from '@trpc/client';

/** The HTTP status of a failed call, when the server gave one (used to skip retries on 4xx). */
export function errorStatus(error: unknown): number | null {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (data && typeof data === 'object' && 'httpStatus' in data && typeof data.httpStatus === 'number') {
      return data.httpStatus;
    }
  }
  return null;
}

/** The tRPC error code (`NOT_FOUND`, `UNAUTHORIZED`…) of a failed call, if any. */
export function errorCode(error: unknown): string | null {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (data && typeof data === 'object' && 'code' in data && typeof data.code === 'string') return data.code;
  }
  return null;
}

/** A sentence to show for a failed call: the server's own message, or a network hint. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    return error.message || 'The request failed.';
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Please try again.';
}
