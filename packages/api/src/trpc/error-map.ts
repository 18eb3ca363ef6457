import { TRPCError } from '@trpc/server';
import { DomainError } from '../platform/domain-errors';

/**
 * The one map from domain errors to tRPC errors: the kind becomes the code, the message stays, and the
 * domain error stays the `cause` (the error formatter reads `retryAfterSeconds` from a `LimitedError`).
 * Anything else is returned as it is.
 */
export function toTRPCError(error: unknown): unknown {
  const domain = error instanceof TRPCError ? error.cause : error;
  if (!(domain instanceof DomainError)) return error;
  return new TRPCError({ code: domain.kind, message: domain.message, cause: domain });
}
