/**
 * The error codes of the API and the HTTP statuses that carry them: the server's error map and OpenAPI
 * document (packages/api/src/trpc) and the client package's fallback for a bare HTTP status
 * (packages/client/src/errors.ts) read this one table. Zod-free: `@devflow/contract/error-codes`.
 */

/** The tRPC code each error status (besides 500) carries in `code` and `data.code`. */
export const ERROR_CODE_OF_STATUS = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
} as const;

/** A status an error may be answered with besides 500. */
export type ErrorStatus = keyof typeof ERROR_CODE_OF_STATUS;

/** The statuses an error may be answered with besides 500, in order. */
export const ERROR_STATUSES: readonly ErrorStatus[] = [400, 401, 403, 404, 409, 413, 415, 429, 503];

/** An error code the API answers with (500 is `INTERNAL_SERVER_ERROR`). */
export type ApiErrorCode = (typeof ERROR_CODE_OF_STATUS)[ErrorStatus] | 'INTERNAL_SERVER_ERROR';
