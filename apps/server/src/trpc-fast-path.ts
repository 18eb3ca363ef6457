import type { TRPCError } from '@trpc/server';
import {
  type AnyProcedure,
  type AnyRouter,
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  type ProcedureType,
  type TRPCResponse,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { Context as HonoContext, MiddlewareHandler } from 'hono';

/** What the fast path needs: the same router, limits and hooks as the stock adapter it sits in front of. */
export type TrpcFastPathOptions<TContext extends object> = {
  router: AnyRouter;
  /** Where tRPC is mounted, without a trailing slash (`/trpc`). */
  endpoint: string;
  maxBatchSize: number;
  /** Builds the request's context; any header it appends to `resHeaders` (cookies) is sent back. */
  createContext: (c: HonoContext, resHeaders: Headers) => Promise<TContext>;
  onError: (opts: { error: TRPCError; path: string; type: ProcedureType }) => void;
  /** Extra response headers for the errors of this response (e.g. `Retry-After`). */
  errorHeaders: (errors: readonly TRPCError[]) => Headers | undefined;
};

/** One procedure call of a (possibly batched) request. */
type Call = { path: string; procedure: AnyProcedure; input: unknown };

const JSONL = 'application/jsonl';

/** tRPC's streaming protocols (`httpBatchStreamLink`, subscriptions) are left to the stock adapter. */
function wantsStream(c: HonoContext): boolean {
  if (c.req.header('trpc-accept') !== undefined) return true;
  const accept = c.req.header('accept');
  return accept?.split(',').some((type) => type.trim() === JSONL) ?? false;
}

/**
 * Parses the calls of a plain JSON tRPC request — `GET /trpc/a,b?batch=1&input=…` for queries,
 * `POST /trpc/a,b?batch=1` with a JSON body for mutations — or returns null when the request is anything
 * the stock adapter should answer instead: another method or content type, a stream, an unknown
 * procedure, a procedure of the wrong type for the method, a batch over the limit, or input that is not
 * valid JSON. The stock adapter then produces tRPC's own response (usually an error) for it.
 */
async function readCalls(
  c: HonoContext,
  options: TrpcFastPathOptions<object>,
): Promise<{ calls: Call[]; batch: boolean } | null> {
  const method = c.req.method;
  const expected: ProcedureType = method === 'GET' ? 'query' : 'mutation';
  if (method !== 'GET' && method !== 'POST') return null;
  // tRPC picks its body parser by media type; only JSON (or no type on a GET) is ours.
  const contentType = c.req.header('content-type');
  const json = contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
  if (method === 'POST' ? !json : contentType !== undefined && !json) return null;
  if (wantsStream(c)) return null;
  const url = new URL(c.req.url);
  let joined: string;
  try {
    joined = decodeURIComponent(url.pathname.slice(options.endpoint.length + 1));
  } catch {
    return null;
  }
  const batch = url.searchParams.get('batch') === '1';
  const paths = batch ? joined.split(',') : [joined];
  if (batch && paths.length > options.maxBatchSize) return null;

  const raw = method === 'GET' ? url.searchParams.get('input') : await c.req.text();
  let inputs: unknown;
  if (raw !== null && raw !== '') {
    try {
      inputs = JSON.parse(raw);
    } catch {
      return null;
    }
  } else if (method === 'POST') {
    return null;
  }
  // tRPC wants an object keyed by call index (an array is not one).
  if (
    batch &&
    inputs !== undefined &&
    (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs))
  ) {
    return null;
  }
  const transformer = options.router._def._config.transformer;
  const calls: Call[] = [];
  for (const [index, path] of paths.entries()) {
    const procedure = await getProcedureAtPath(options.router, path);
    if (!procedure || procedure._def.type !== expected) return null;
    const value = batch ? (inputs as Record<string, unknown> | undefined)?.[index] : inputs;
    calls.push({
      path,
      procedure,
      input: value === undefined ? undefined : transformer.input.deserialize(value),
    });
  }
  return { calls, batch };
}

/**
 * A lean handler for the calls DevFlow's clients actually make — JSON queries and mutations, batched or
 * not — that answers them byte for byte as tRPC's fetch adapter would (same envelope, error shapes through
 * our error formatter, HTTP statuses, `Vary`, cookies and `Retry-After`), and passes every other request
 * on to that adapter.
 *
 * Why it exists: the fetch adapter builds a WHATWG Request/Response pair and three AbortSignals (two through
 * `AbortSignal.any`, slow on Node 20) per request and spreads its options objects several times; measured
 * in one process on `question.byId`, that was the largest single cost
 * between a bare Hono route and our stack (bench/RESULTS.md, baseline (a)). It uses only tRPC's exported
 * core functions (`getProcedureAtPath`, `getErrorShape`, `getHTTPStatusCode`, `transformTRPCResponse`);
 * `trpc-fast-path.test.ts` compares it with the stock adapter request by request, so an upgrade of
 * `@trpc/server` that changes the protocol fails a test instead of drifting. Procedures get no
 * AbortSignal (none of ours reads one).
 */
export function trpcFastPath<TContext extends object>(
  options: TrpcFastPathOptions<TContext>,
): MiddlewareHandler {
  const config = options.router._def._config;
  return async (c, next) => {
    const request = await readCalls(c, options as TrpcFastPathOptions<object>);
    if (!request) return next();
    const resHeaders = new Headers();
    let ctx: TContext;
    try {
      ctx = await options.createContext(c, resHeaders);
    } catch {
      // The stock adapter reports a failed context (e.g. the database is down) in tRPC's shape.
      return next();
    }
    const outcomes = await Promise.all(
      request.calls.map(async ({ path, procedure, input }, batchIndex) => {
        const type = procedure._def.type;
        try {
          const data = await procedure({
            path,
            getRawInput: async () => input,
            ctx,
            type,
            signal: undefined,
            batchIndex,
          });
          return { response: { result: { data } } satisfies TRPCResponse, error: null };
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          options.onError({ error, path, type });
          const response: TRPCResponse = { error: getErrorShape({ config, ctx, error, input, path, type }) };
          return { response, error };
        }
      }),
    );
    const results = outcomes.map((outcome) => outcome.response);
    const errors = outcomes.flatMap((outcome) => (outcome.error ? [outcome.error] : []));
    const headers = new Headers([
      ['vary', 'trpc-accept, accept'],
      ['content-type', 'application/json'],
    ]);
    for (const [key, value] of resHeaders) headers.append(key, value);
    for (const [key, value] of options.errorHeaders(errors) ?? []) headers.append(key, value);
    const body = request.batch
      ? transformTRPCResponse(config, results)
      : transformTRPCResponse(config, results[0] as TRPCResponse);
    return new Response(JSON.stringify(body), { status: getHTTPStatusCode(results), headers });
  };
}
