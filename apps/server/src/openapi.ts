import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  type ApiDeps,
  appRouter,
  type Context,
  createOpenApiDocument,
  describeIssues,
  isServiceUnavailable,
  REST_PREFIX,
} from '@devflow/api';
import { Scalar } from '@scalar/hono-api-reference';
import type { TRPCError } from '@trpc/server';
import type { Hono, Context as HonoContext } from 'hono';
import { createOpenApiFetchHandler } from 'trpc-to-openapi';
import { z } from 'zod';

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
    const body = response.status >= 400 ? await restErrorBody(response) : response.body;
    // Through `c` so the middleware headers (request id, security headers) apply as on every route.
    return c.newResponse(body, response);
  });

  let script: string | null = null;
  app.get(DOCS_SCRIPT_PATH, (c) => {
    script ??= readFileSync(scalarBundlePath(), 'utf8');
    return c.body(script, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
    });
  });
  app.get('/docs', Scalar(DOCS_CONFIG));
}

/**
 * The Scalar reference as a read-only page that calls nothing but this server (its CSP allows nothing
 * else): no proxy (`proxyUrl` empty; Scalar's default sends requests through proxy.scalar.com), no
 * telemetry, no web fonts, no favicon request; and none of the features that need Scalar's own
 * services — the request client, the AI agent and its API registry, the developer toolbar
 * (Share, Deploy). What is left works offline: the reference, search, code samples, the download.
 */
export const DOCS_CONFIG = {
  url: '/openapi.json',
  cdn: DOCS_SCRIPT_PATH,
  pageTitle: 'DevFlow API reference',
  withDefaultFonts: false,
  favicon: 'data:,',
  proxyUrl: '',
  telemetry: false,
  hideClientButton: true,
  hideTestRequestButton: true,
  showDeveloperTools: 'never',
  agent: { disabled: true },
} satisfies Parameters<typeof Scalar>[0];

/**
 * The REST error body as `/openapi.json` documents it (`Error`): the tRPC code on top as in `data.code`
 * (malformed JSON is BAD_REQUEST, not PARSE_ERROR) and, for invalid input, the same human message as
 * on `/trpc` rather than trpc-to-openapi's "Input validation failed".
 */
async function restErrorBody(response: Response): Promise<string> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text;
  }
  const parsed = restErrorShape.safeParse(json);
  if (!parsed.success) return text;
  const error = parsed.data;
  const { issues } = error.data;
  const message =
    error.message === 'Input validation failed' && issues && issues.length > 0
      ? `Invalid input: ${describeIssues(issues)}`
      : error.message;
  return JSON.stringify({ ...error, code: error.data.code, message });
}

/** What `restErrorBody` reads of trpc-to-openapi's error body; everything else passes through. */
const restErrorShape = z.looseObject({
  message: z.string(),
  data: z.looseObject({
    code: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).nullish(),
  }),
});

function documentJson(publicUrl: string): string {
  return JSON.stringify(createOpenApiDocument({ publicUrl, version: SERVER_VERSION }));
}

/** The standalone browser build of the Scalar reference, shipped inside `@scalar/api-reference`. */
function scalarBundlePath(): string {
  return createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js');
}
