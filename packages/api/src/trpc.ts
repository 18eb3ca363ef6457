import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { Context } from './context';
import { describeIssues, RateLimitedError, validationIssues } from './errors';
import { consume } from './services/rate-limit';

/** The message every unexpected failure shows: internals (stack, SQL) never reach a client. */
export const INTERNAL_ERROR_MESSAGE = 'Something went wrong on our side. Please try again.';

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    // Plain JSON on the wire: the CLI, curl and other languages read it without superjson.
    errorFormatter({ shape, error, ctx }) {
      const issues = error.code === 'BAD_REQUEST' ? validationIssues(error.cause) : null;
      const internal = error.code === 'INTERNAL_SERVER_ERROR';
      const retryAfter = error.cause instanceof RateLimitedError ? error.cause.retryAfterSeconds : undefined;
      return {
        code: shape.code,
        message: internal
          ? INTERNAL_ERROR_MESSAGE
          : issues
            ? `Invalid input: ${describeIssues(issues)}`
            : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          issues,
          retryAfter,
          requestId: ctx?.req.requestId,
        },
      };
    },
  });

/** Builds a router; routers are merged only in `root.ts`. */
export const router = t.router;

/** Lets tests call procedures without HTTP (`createCallerFactory(appRouter)(ctx)`). */
export const createCallerFactory = t.createCallerFactory;

/** Middleware builder for procedure-specific guards (rate limits, ownership). */
export const middleware = t.middleware;

/** The origin (scheme://host:port) of a URL, or null when it is not one. */
function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Anyone, signed in or not. Mutations that arrive with the session cookie must come from DevFlow's own
 * origin (CSRF): a browser sends the cookie to cross-site requests too, but it always sends `Origin`
 * with them and a foreign page cannot forge it. Bearer tokens are never sent implicitly, so they pass.
 */
export const publicProcedure = t.procedure.use(({ ctx, type, next }) => {
  if (type === 'mutation' && ctx.tokenSource === 'cookie') {
    const expected = originOf(ctx.deps.config.publicUrl);
    if (ctx.req.origin === null || ctx.req.origin !== expected) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `Cross-site request refused: changes made with the session cookie must come from ${expected ?? 'the DevFlow site'}${ctx.req.origin ? `, not ${ctx.req.origin}` : ' (the request had no Origin header)'}. Other clients should send an Authorization: Bearer token.`,
      });
    }
  }
  return next();
});

/** Signed-in users (suspended ones too: reading your own data is allowed). */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to do that.' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** True while `user` is suspended. */
export function isSuspended(user: { suspendedUntil: Date | null }, now = new Date()): boolean {
  return user.suspendedUntil !== null && user.suspendedUntil > now;
}

/**
 * Signed-in users who may write: suspended users can read but not write, and each user gets
 * `rateLimits.writes` writes per window (TOO_MANY_REQUESTS with retry-after beyond it).
 */
export const writerProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  if (isSuspended(ctx.user)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `Your account is suspended until ${ctx.user.suspendedUntil?.toISOString()}; you can read but not post.`,
    });
  }
  await consume(ctx.deps, 'writes', String(ctx.user.id));
  return next({ ctx });
});

const rank = { user: 0, moderator: 1, admin: 2 } as const;

/** True when `role` is at least `needed` (user < moderator < admin). */
export function hasRole(role: keyof typeof rank, needed: keyof typeof rank): boolean {
  return rank[role] >= rank[needed];
}

/** Moderators and admins. */
export const moderatorProcedure = writerProcedure.use(({ ctx, next }) => {
  if (!hasRole(ctx.user.role, 'moderator')) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only moderators can do that.' });
  }
  return next({ ctx });
});

/** Admins only. */
export const adminProcedure = writerProcedure.use(({ ctx, next }) => {
  if (!hasRole(ctx.user.role, 'admin')) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only admins can do that.' });
  }
  return next({ ctx });
});
