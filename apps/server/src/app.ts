import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ApiDeps,
  appRouter,
  cacheMetricsText,
  checkHealth,
  createHttpContext,
  INTERNAL_ERROR_MESSAGE,
  isServiceUnavailable,
  jobsMetricsText,
  RateLimitedError,
  REST_PREFIX,
  UNAVAILABLE_MESSAGE,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from '@devflow/api';
import { MAX_BATCH_SIZE } from '@devflow/contract/limits';
import { isDatabaseUnavailable } from '@devflow/db';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { trpcServer } from '@hono/trpc-server';
import type { TRPCError } from '@trpc/server';
import { Hono, type Context as HonoContext } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { type RequestIdVariables, requestId } from 'hono/request-id';
import { clientIp } from './client-ip';
import { emptyBodyAsNoInput } from './empty-body';
import type { ServerLogger } from './logger';
import { oauthRoutes } from './oauth-routes';
import { mountOpenApi } from './openapi';
import { securityHeaders } from './security-headers';
import { trpcFastPath } from './trpc-fast-path';
import { trpcSseFastPath } from './trpc-sse-fast-path';
import { unsubscribeRoutes } from './unsubscribe-routes';

/** Requests bodies above this are refused with 413 before anything parses them. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Calls in one tRPC batch at most (`@devflow/contract`); the client package batches up to the same number. */
export { MAX_BATCH_SIZE };

/** What `createApp` needs. */
export type AppOptions = {
  deps: ApiDeps;
  log: ServerLogger;
  /** Proxy hops whose `X-Forwarded-For` entries are believed. */
  trustProxy: number;
  /** Folder of the built web app (`apps/web/dist`); served at `/` when present. */
  webDir: string;
  /**
   * Answer plain JSON tRPC calls and SSE subscriptions with the lean handlers (`trpc-fast-path.ts`,
   * `trpc-sse-fast-path.ts`) before the stock fetch adapter (default true). Tests turn it off to compare.
   */
  trpcFastPath?: boolean;
};

type Env = { Variables: RequestIdVariables };

/** The `Retry-After` seconds of the first rate-limited error, or null. */
function retryAfter(errors: readonly TRPCError[]): number | null {
  const limited = errors.find((error) => error.cause instanceof RateLimitedError);
  if (limited?.cause instanceof RateLimitedError) return limited.cause.retryAfterSeconds;
  // A database outage: retry shortly (the answer is 503 SERVICE_UNAVAILABLE).
  return errors.some(isServiceUnavailable) ? UNAVAILABLE_RETRY_AFTER_SECONDS : null;
}

/**
 * The whole HTTP surface on one Hono app: `/healthz`, `/trpc/*`, the REST mirror `/api/*` with
 * `/openapi.json` and `/docs`, and the web app. No business logic lives here; it only adapts HTTP to the
 * API package.
 */
export function createApp(options: AppOptions) {
  const { deps, log, trustProxy, webDir } = options;
  const app = new Hono<Env>();
  // What no route handled: logged through the logger's error serializer (Hono's default would print the
  // whole error, query parameters included, to stderr), answered with a fixed sentence.
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    const fields = { err: error, requestId: c.get('requestId'), method: c.req.method, path: c.req.path };
    if (isDatabaseUnavailable(error)) {
      log.warn(fields, 'database unavailable');
      return c.json({ error: { code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE_MESSAGE } }, 503, {
        'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS),
      });
    }
    log.error(fields, 'request failed');
    return c.json({ error: { code: 'INTERNAL_SERVER_ERROR', message: INTERNAL_ERROR_MESSAGE } }, 500);
  });

  const fast = options.trpcFastPath !== false;
  // One context factory for /trpc and /api: the same session, CSRF and rate-limit rules on both.
  const createContext = (c: HonoContext<Env>, resHeaders: Headers) =>
    createHttpContext({
      deps,
      headers: c.req.raw.headers,
      ip: clientIp(getConnInfo(c).remote.address, c.req.header('x-forwarded-for'), trustProxy),
      requestId: c.get('requestId'),
      resHeaders,
    });
  const onTrpcError = ({ error, path, type }: { error: TRPCError; path?: string; type: string }) => {
    if (isServiceUnavailable(error)) {
      log.warn({ err: error.cause ?? error, path, type }, 'database unavailable');
    } else if (error.code === 'INTERNAL_SERVER_ERROR') {
      log.error({ err: error.cause ?? error, path, type }, 'procedure failed');
    }
  };
  const sse = trpcSseFastPath({ router: appRouter, endpoint: '/trpc', createContext, onError: onTrpcError });
  // Outermost: a live stream's head goes out once every middleware below has added its headers.
  if (fast) app.use(sse.start);
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // The path only: query strings can carry tokens (OAuth codes) and never reach the logs.
    log.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  });
  app.use(securityHeaders());
  // Shutting down (the live hub closed on SIGTERM): every response closes its connection, so a client
  // whose live stream just ended reconnects through the load balancer to another process instead of
  // reusing a kept-alive socket to this one, and the server's close is not held open by it.
  app.use(async (c, next) => {
    await next();
    if (deps.live?.closing.aborted) c.res.headers.set('connection', 'close');
  });
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    // The unread rest of the body is still on the socket: close it rather than parse it.
    // The REST mirror answers with its documented error body (`Error` in /openapi.json).
    onError: (c) => {
      const code = 'PAYLOAD_TOO_LARGE';
      const message = 'Request body is larger than 1 MiB.';
      const body = c.req.path.startsWith(`${REST_PREFIX}/`)
        ? { code, message, data: { code, httpStatus: 413, issues: null, requestId: c.get('requestId') } }
        : { error: { code, message } };
      return c.json(body, 413, { connection: 'close' });
    },
  });
  // GET and HEAD carry no body. Asking for one would make @hono/node-server build a full WHATWG Request
  // (headers copied, an AbortSignal) on every read, a measurable share of the server's CPU on `question.byId` (bench/RESULTS.md).
  app.use((c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));

  app.get('/healthz', async (c) => {
    const { ok, db, cache } = await checkHealth(deps);
    return c.json({ ok, db, cache }, ok ? 200 : 503);
  });

  // Cache hit/miss/error counters and job queue gauges (Prometheus text); counts only, nothing about
  // users or content.
  app.get('/metrics', async (c) => c.text(cacheMetricsText(deps.cache) + (await jobsMetricsText(deps.jobs))));
  const errorHeaders = (errors: readonly TRPCError[]) => {
    const seconds = retryAfter(errors);
    return seconds === null ? undefined : new Headers({ 'retry-after': String(seconds) });
  };
  // A POST without content is a call without input, on both tRPC paths and on the REST mirror.
  const noContent = emptyBodyAsNoInput();
  app.use('/trpc/*', noContent);
  app.use(`${REST_PREFIX}/*`, noContent);
  if (fast) {
    app.use('/trpc/*', sse.handle);
    app.use(
      '/trpc/*',
      trpcFastPath({
        router: appRouter,
        endpoint: '/trpc',
        maxBatchSize: MAX_BATCH_SIZE,
        createContext,
        onError: onTrpcError,
        errorHeaders,
      }),
    );
  }
  app.use(
    '/trpc/*',
    trpcServer({
      router: appRouter,
      endpoint: '/trpc',
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: (opts, c) => createContext(c, opts.resHeaders),
      onError: onTrpcError,
      responseMeta: ({ errors }) => {
        const headers = errorHeaders(errors);
        return headers ? { headers } : {};
      },
    }),
  );

  mountOpenApi(app, { deps, createContext, retryAfter, onError: onTrpcError });
  app.route('/auth', oauthRoutes({ deps, log, trustProxy, webDir }));
  app.route('/mail', unsubscribeRoutes(deps));

  mountWebApp(app, webDir);
  return app;
}

/** Serves the built web app with a single-page fallback, or a short note when it is not built. */
function mountWebApp(app: Hono<Env>, webDir: string) {
  const indexFile = join(webDir, 'index.html');
  if (!existsSync(indexFile)) {
    app.get('/', (c) =>
      c.text('DevFlow API is running. Build the web app with `pnpm --filter @devflow/web build`.'),
    );
    return;
  }
  const indexHtml = readFileSync(indexFile, 'utf8');
  app.use('/assets/*', serveStatic({ root: webDir }));
  app.use('/*', serveStatic({ root: webDir }));
  app.get('*', (c) => {
    const reserved = ['/trpc', '/api', '/auth', '/docs', '/openapi.json', '/healthz', '/metrics'];
    if (reserved.some((prefix) => c.req.path === prefix || c.req.path.startsWith(`${prefix}/`))) {
      return c.json({ error: { code: 'NOT_FOUND', message: `No route for ${c.req.path}.` } }, 404);
    }
    return c.html(indexHtml);
  });
}
