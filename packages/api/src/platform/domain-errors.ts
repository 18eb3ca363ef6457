import type { ApiErrorCode } from '@devflow/contract/error-codes';

/**
 * Errors of the domain: what services throw when a rule refuses a call. They know nothing of tRPC or
 * HTTP; `trpc.ts` turns each into the tRPC code of the same name, once, for every procedure (the error
 * map), so a service reads as plain TypeScript and is tested without the transport.
 */

/** The kinds of refusal a client can be told about; each maps to the tRPC code of the same name. */
export type DomainErrorKind = Exclude<
  ApiErrorCode,
  'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'INTERNAL_SERVER_ERROR'
>;

/** A refusal with a human message for the client. Prefer the subclasses below. */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

/** The input is well-formed but not acceptable (e.g. following yourself, a cursor that is not ours). */
export class BadInputError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BAD_REQUEST', message, options);
    this.name = 'BadInputError';
  }
}

/** The caller must sign in (or sign in again) first. */
export class UnauthorizedError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAUTHORIZED', message, options);
    this.name = 'UnauthorizedError';
  }
}

/** The caller is known but may not do this. */
export class ForbiddenError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FORBIDDEN', message, options);
    this.name = 'ForbiddenError';
  }
}

/** The thing does not exist, or the caller may not know that it does. */
export class NotFoundError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', message, options);
    this.name = 'NotFoundError';
  }
}

/** The call clashes with the current state (a taken email, a second open flag). */
export class ConflictError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFLICT', message, options);
    this.name = 'ConflictError';
  }
}

/** A rate limit refused the call; `retryAfterSeconds` goes to the client and the `Retry-After` header. */
export class LimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests.',
  ) {
    super('TOO_MANY_REQUESTS', message);
    this.name = 'LimitedError';
  }
}
