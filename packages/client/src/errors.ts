import { ERROR_CODE_OF_STATUS } from '@devflow/contract/error-codes';
import { TRPCClientError } from '@trpc/client';

/** tRPC error codes the DevFlow API answers with, plus the client's own for transport failures. */
export type DevflowErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
  | 'TIMEOUT'
  | 'METHOD_NOT_SUPPORTED'
  | 'PARSE_ERROR'
  /** The server could not be reached (connection refused, DNS, TLS). */
  | 'NETWORK_ERROR'
  | (string & {});

/** One invalid input field, as the server reports it. */
export type DevflowIssue = { path: string; message: string };

/** Fields of a `DevflowError`. */
export type DevflowErrorInit = {
  code: DevflowErrorCode;
  message: string;
  httpStatus?: number | null;
  issues?: DevflowIssue[] | null;
  retryAfter?: number | null;
  requestId?: string | null;
  cause?: unknown;
};

/**
 * Every failure of a DevFlow call, in one shape: the tRPC `code` (or NETWORK_ERROR when the server is
 * unreachable), a message a user can act on, the HTTP status, the invalid fields of a BAD_REQUEST and
 * the seconds to wait after TOO_MANY_REQUESTS.
 */
export class DevflowError extends Error {
  readonly code: DevflowErrorCode;
  readonly httpStatus: number | null;
  readonly issues: DevflowIssue[];
  readonly retryAfter: number | null;
  readonly requestId: string | null;

  constructor(init: DevflowErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'DevflowError';
    this.code = init.code;
    this.httpStatus = init.httpStatus ?? null;
    this.issues = init.issues ?? [];
    this.retryAfter = init.retryAfter ?? null;
    this.requestId = init.requestId ?? null;
  }
}

/** True for a `DevflowError` (also across copies of this package: checks the shape, not the class). */
export function isDevflowError(value: unknown): value is DevflowError {
  if (value instanceof DevflowError) return true;
  return value instanceof Error && value.name === 'DevflowError' && typeof prop(value, 'code') === 'string';
}

/** Reads `key` of an unknown value, or undefined. */
function prop(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const field: unknown = Reflect.get(value, key);
  return field;
}

function readIssues(value: unknown): DevflowIssue[] {
  if (!Array.isArray(value)) return [];
  return value.map((issue: unknown) => {
    const path = prop(issue, 'path');
    const message = prop(issue, 'message');
    return {
      path: typeof path === 'string' ? path : '',
      message: typeof message === 'string' ? message : 'Invalid value',
    };
  });
}

/** The code a bare HTTP status stands for (a proxy's answer carries no DevFlow error). */
const codeOfStatus: Partial<Record<number, string>> = ERROR_CODE_OF_STATUS;

/** True when `error` (or one of its causes) says the connection itself failed. */
function isConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof TypeError && /fetch failed|network/i.test(current.message)) return true;
    if (
      /ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH/.test(String(prop(current, 'code')))
    ) {
      return true;
    }
    current = current.cause;
  }
  return false;
}

/** The innermost message of a chain of causes ("connect ECONNREFUSED 127.0.0.1:9"). */
function rootMessage(error: unknown): string {
  let current = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    message = current.message || message;
    current = current.cause;
  }
  return message;
}

/**
 * Turns anything a DevFlow call can throw into a `DevflowError`: a tRPC error keeps its code, message,
 * status, issues and retry-after; a refused or failed connection becomes NETWORK_ERROR; a response that
 * is not a tRPC answer keeps its HTTP status; anything else is INTERNAL_SERVER_ERROR with its message.
 */
export function toDevflowError(error: unknown): DevflowError {
  if (error instanceof DevflowError) return error;
  if (isConnectionFailure(error)) {
    return new DevflowError({
      code: 'NETWORK_ERROR',
      message: `Could not reach the DevFlow server: ${rootMessage(error)}`,
      cause: error,
    });
  }
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    const code = prop(data, 'code');
    if (typeof code === 'string') {
      const httpStatus = prop(data, 'httpStatus');
      const retryAfter = prop(data, 'retryAfter');
      const requestId = prop(data, 'requestId');
      return new DevflowError({
        code,
        message: error.message,
        httpStatus: typeof httpStatus === 'number' ? httpStatus : null,
        issues: readIssues(prop(data, 'issues')),
        retryAfter: typeof retryAfter === 'number' ? retryAfter : null,
        requestId: typeof requestId === 'string' ? requestId : null,
        cause: error,
      });
    }
    const status = prop(prop(error.meta, 'response'), 'status');
    const httpStatus = typeof status === 'number' ? status : null;
    return new DevflowError({
      code: (httpStatus && codeOfStatus[httpStatus]) || 'INTERNAL_SERVER_ERROR',
      message: httpStatus
        ? `The server answered HTTP ${httpStatus} without a DevFlow error (${error.message}).`
        : error.message,
      httpStatus,
      cause: error,
    });
  }
  return new DevflowError({ code: 'INTERNAL_SERVER_ERROR', message: rootMessage(error), cause: error });
}
