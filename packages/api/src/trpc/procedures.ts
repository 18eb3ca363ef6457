import { isDatabaseUnavailable } from '@devflow/db';
import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { trustedOrigins } from '../platform/origin';
import { hasRole, isSuspended } from '../platform/policy';
import { consume } from '../platform/rate-limit';
import type { Context } from './context';
import { toTRPCError } from './error-map';
import { describeIssues, RateLimitedError, validationIssues } from './errors';
import { assertStorableText } from './input-guard';

/** The message every unexpected failure shows: internals (stack, SQL) never reach a client. */
export const INTERNAL_ERROR_MESSAGE = 'Something went wrong on our side. Please try again.';

/** What a client sees while the database is unreachable (503, retryable). */
export const UNAVAILABLE_MESSAGE = 'DevFlow is temporarily unavailable. Please retry in a few seconds.';

/** Seconds a client should wait before retrying during a database outage (`Retry-After`). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * Who may call a procedure. Each base procedure below sets it; tRPC merges meta shallowly, so a router's
 * `.meta({ openapi })` keeps it, and the OpenAPI document derives security and error statuses from it.
 */
export type ProcedureAccess = 'public' | 'signed-in' | 'writer' | 'moderator' | 'admin';

/** Procedure metadata: the REST mapping (`openapi`, trpc-to-openapi) and `access`, set by the base procedures. */
export type ProcedureMeta = OpenApiMeta & { access?: ProcedureAccess };

/** How long a live stream lasts by default before the server ends it (the server's `LIVE_MAX_DURATION_MS`). */
export const DEFAULT_LIVE_MAX_DURATION_MS = 30 * 60_000;

// Live subscriptions (`domains/live/router.ts`) over Server-Sent Events: a ping well inside the idle
// timeouts of common proxies (about 60 s), and streams capped in length so that connections rebalance
// across processes; the client link reconnects with the last event id and misses nothing. tRPC reads
// `maxDurationMs` from this object whenever a stream opens (`setLiveMaxDuration`).
const sse = {
  ping: { enabled: true, intervalMs: 20_000 },
  maxDurationMs: DEFAULT_LIVE_MAX_DURATION_MS,
  client: { reconnectAfterInactivityMs: 45_000 },
};

/**
 * Sets how long each live stream of this process may last (`LIVE_MAX_DURATION_MS`, read once at start by
 * `apps/server/src/main.ts`): the server then ends the stream and the client link reconnects.
 */
export function setLiveMaxDuration(ms: number): void {
  sse.maxDurationMs = ms;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    sse,
    // Plain JSON on the wire: the CLI, curl and other languages read it without superjson.
    errorFormatter({ shape, error, ctx }) {
      const issues = error.code === 'BAD_REQUEST' ? validationIssues(error.cause) : null;
      // A database outage met outside a procedure (e.g. while reading the session) is still a 503.
      const unavailable = isServiceUnavailable(error);
      const internal = error.code === 'INTERNAL_SERVER_ERROR' && !unavailable;
      // Malformed JSON is bad input like any other: clients handle one code (README, API reference).
      const malformed =
        error.code === 'PARSE_ERROR' || (error.code === 'BAD_REQUEST' && error.cause instanceof SyntaxError);
      const retryAfter =
        error.cause instanceof RateLimitedError
          ? error.cause.retryAfterSeconds
          : unavailable
            ? UNAVAILABLE_RETRY_AFTER_SECONDS
            : undefined;
      return {
        code: shape.code,
        message: internal
          ? INTERNAL_ERROR_MESSAGE
          : unavailable
            ? UNAVAILABLE_MESSAGE
            : malformed
              ? 'Malformed request: the input is not valid JSON.'
              : issues
                ? `Invalid input: ${describeIssues(issues)}`
                : shape.message,
        data: {
          code: unavailable ? 'SERVICE_UNAVAILABLE' : malformed ? 'BAD_REQUEST' : shape.data.code,
          httpStatus: unavailable ? 503 : shape.data.httpStatus,
          path: shape.data.path,
          issues,
          retryAfter,
          requestId: ctx?.req.requestId,
        },
      };
    },
  });

/** True when `error` is (or was caused by) a database outage: answered with 503 and `Retry-After`. */
export function isServiceUnavailable(error: TRPCError): boolean {
  return (
    error.code === 'SERVICE_UNAVAILABLE' ||
    (error.code === 'INTERNAL_SERVER_ERROR' && isDatabaseUnavailable(error.cause))
  );
}

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
 * origin (CSRF; `trustedOrigins`: PUBLIC_URL's, plus its loopback aliases when it is a loopback URL): a
 * browser sends the cookie to cross-site requests too, but it always sends `Origin` with them and a
 * foreign page cannot forge it. Bearer tokens are never sent implicitly, so they pass.
 * Every procedure then refuses text that cannot be stored as written — NUL characters (PostgreSQL rejects
 * them, which would otherwise surface as a 500) and unpaired surrogates (silently replaced).
 * Both checks share one middleware: each tRPC middleware level costs a context copy and a promise on
 * every call, which `bench/` measures on the hottest reads.
 */
export const publicProcedure = t.procedure
  .meta({ access: 'public' })
  .use(async ({ ctx, type, getRawInput, next }) => {
    if (type === 'mutation' && ctx.tokenSource === 'cookie') {
      const { publicUrl } = ctx.deps.config;
      if (ctx.req.origin === null || !trustedOrigins(publicUrl).has(ctx.req.origin)) {
        const expected = originOf(publicUrl);
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: `Cross-site request refused: changes made with the session cookie must come from ${expected ?? 'the DevFlow site'}${ctx.req.origin ? `, not ${ctx.req.origin}` : ' (the request had no Origin header)'}. Other clients should send an Authorization: Bearer token.`,
        });
      }
    }
    // Unreadable input (e.g. malformed JSON) is left to the input parser, which reports it as BAD_REQUEST;
    // procedures without input never read it.
    assertStorableText(await getRawInput().catch(() => undefined));
    const result = await next();
    // The error map: a domain error thrown anywhere below becomes the tRPC code of its kind.
    if (!result.ok) {
      const mapped = toTRPCError(result.error);
      if (mapped !== result.error) throw mapped;
    }
    return result;
  });

/** Signed-in users (suspended ones too: reading your own data is allowed). */
export const protectedProcedure = publicProcedure.meta({ access: 'signed-in' }).use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to do that.' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/**
 * Signed-in users who may write: suspended users can read but not write, and each user gets
 * `rateLimits.writes` writes per window (TOO_MANY_REQUESTS with retry-after beyond it).
 */
export const writerProcedure = protectedProcedure.meta({ access: 'writer' }).use(async ({ ctx, next }) => {
  if (isSuspended(ctx.user)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `Your account is suspended until ${ctx.user.suspendedUntil?.toISOString()}; you can read but not post.`,
    });
  }
  await consume(ctx.deps, 'writes', String(ctx.user.id));
  return next({ ctx });
});

/** Moderators and admins. */
export const moderatorProcedure = writerProcedure.meta({ access: 'moderator' }).use(({ ctx, next }) => {
  if (!hasRole(ctx.user.role, 'moderator')) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only moderators can do that.' });
  }
  return next({ ctx });
});

/** Admins only. */
export const adminProcedure = writerProcedure.meta({ access: 'admin' }).use(({ ctx, next }) => {
  if (!hasRole(ctx.user.role, 'admin')) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only admins can do that.' });
  }
  return next({ ctx });
});
