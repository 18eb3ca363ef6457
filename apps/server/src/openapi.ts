import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  type ApiDeps,
  appRouter,
  type Context,
  createOpenApiDocument,
  isServiceUnavailable,
  REST_PREFIX,
} from '@devflow/api';
import { Scalar } from '@scalar/hono-api-reference';
import type { TRPCError } from '@trpc/server';
import type { Hono, Context as HonoContext } from 'hono';
import { createOpenApiFetchHandler } from 'trpc-to-openapi';

/** Where the interactive reference's script is served from: our own origin, never a CDN. */
export const DOCS_SCRIPT_PATH = '/docs/scalar.js';

/** The server's version (its package.json), shown in the OpenAPI document. */
export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Builds a procedure context for one request (the same function `/trpc` uses). */
export type ContextFactory = (c: HonoContext, resHeaders: Headers) => Promise<Context>;

/** What `mountOpenApi` needs from `createApp`. */
export type OpenApiMountOptions = {
  deps: ApiDeps;
  createContext: ContextFactory;
  /** The `Retry-After` of a failed call, when a rate limit refused it or the database is down. */
  retryAfter: (errors: readonly TRPCError[]) => number | null;
  /** Logs a failed call, as `/trpc` does (an outage is a warning, not a failed procedure). */
  onError: (failure: { error: TRPCError; path?: string; type: string }) => void;
};

/**
 * Mounts the REST mirror of the procedures at `/api/*`, its OpenAPI document at `/openapi.json` and the
 * Scalar reference at `/docs`. REST calls go through the same procedures, context (session, CSRF
 * origin, rate limits) and error formatter as `/trpc`.
 */
export function mountOpenApi<E extends { Variables: Record<string, unknown> }>(
  app: Hono<E>,
  options: OpenApiMountOptions,
) {
  const { deps, createContext, retryAfter, onError } = options;
  // Generated at start so a router the generator rejects stops the server; regenerated only if the
  // public URL changes afterwards (test servers learn their port after the app is built).
  let document = { url: deps.config.publicUrl, json: documentJson(deps.config.publicUrl) };
  app.get('/openapi.json', (c) => {
    if (document.url !== deps.config.publicUrl) {
      document = { url: deps.config.publicUrl, json: documentJson(deps.config.publicUrl) };
    }
    return c.body(document.json, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.all(`${REST_PREFIX}/*`, async (c) => {
    const resHeaders = new Headers();
    const response = await createOpenApiFetchHandler({
      router: appRouter,
      endpoint: REST_PREFIX,
      req: c.req.raw,
      createContext: () => createContext(c, resHeaders),
      onError: ({ error, path }) => onError({ error, path, type: 'rest' }),
      responseMeta: ({ errors }) => {
        const seconds = retryAfter(errors);
        // A database outage is 503 here too (the REST adapter would otherwise map it to 500).
        const status = errors.some(isServiceUnavailable) ? 503 : undefined;
        return seconds === null ? { status } : { status, headers: { 'retry-after': String(seconds) } };
      },
    });
    // Set-Cookie and other headers the procedure wrote on its context.
    for (const [name, value] of resHeaders) response.headers.append(name, value);
    // Through `c` so the middleware headers (request id, security headers) apply as on every route.
    return c.newResponse(response.body, response);
  });

  let script: string | null = null;
  app.get(DOCS_SCRIPT_PATH, (c) => {
    script ??= readFileSync(scalarBundlePath(), 'utf8');
    return c.body(script, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
    });
  });
  app.get(
    '/docs',
    Scalar({
      url: '/openapi.json',
      cdn: DOCS_SCRIPT_PATH,
      pageTitle: 'DevFlow API reference',
      // Everything from our origin: no web fonts or telemetry fetched from elsewhere.
      withDefaultFonts: false,
      hideClientButton: true,
    }),
  );
}

function documentJson(publicUrl: string): string {
  return JSON.stringify(createOpenApiDocument({ publicUrl, version: SERVER_VERSION }));
}

/** The standalone browser build of the Scalar reference, shipped inside `@scalar/api-reference`. */
function scalarBundlePath(): string {
  return createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js');
}
