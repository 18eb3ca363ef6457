import { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { TRPCError } from '@trpc/server';
import {
  type AnyRouter,
  getErrorShape,
  getLastEventId,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  isAbortError,
  isAsyncIterable,
  isObject,
  isTrackedEnvelope,
  type ProcedureType,
  sseHeaders,
  TRPCError as TRPCErrorClass,
} from '@trpc/server/unstable-core-do-not-import';
import type { Context as HonoContext, MiddlewareHandler } from 'hono';

/** What the SSE fast path needs: the same router and hooks as the stock adapter it sits in front of. */
export type TrpcSseFastPathOptions<TContext extends object> = {
  router: AnyRouter;
  /** Where tRPC is mounted, without a trailing slash (`/trpc`). */
  endpoint: string;
  /** Builds the request's context; any header it appends to `resHeaders` (cookies) is sent back. */
  createContext: (c: HonoContext, resHeaders: Headers) => Promise<TContext>;
  onError: (opts: { error: TRPCError; path: string; type: ProcedureType }) => void;
};

/** The two middlewares of the SSE fast path (see `trpcSseFastPath`). */
export type TrpcSseFastPath = {
  /** Registered first (outermost): sends the stream's head once every other middleware added its headers. */
  start: MiddlewareHandler;
  /** Registered on the tRPC endpoint before the stock adapter: takes the subscription requests it serves. */
  handle: MiddlewareHandler;
};

/** The header that tells `@hono/node-server` the response is written by us (its `X_ALREADY_SENT`). */
const ALREADY_SENT = 'x-hono-already-sent';

/** One open stream, as the ping ticker sees it. */
type Stream = { lastWrite: number; write: (bytes: Buffer) => boolean };

/** tRPC's `sse` settings (`initTRPC.create({ sse })`), read when each stream opens. */
type SseConfig = {
  ping?: { enabled?: boolean; intervalMs?: number };
  maxDurationMs?: number;
  client?: { reconnectAfterInactivityMs?: number };
};

const PING = Buffer.from('event: ping\ndata: \n\n\n');
const RETURN = Buffer.from('event: return\ndata: \n\n\n');

/** An SSE frame laid out as tRPC's `sseStreamProducer` writes it (fields in its order, then `\n\n`). */
function frame(fields: { event?: string; data: string; id?: string }): Buffer {
  let text = fields.event === undefined ? '' : `event: ${fields.event}\n`;
  text += `data: ${fields.data}\n`;
  if (fields.id !== undefined) text += `id: ${fields.id}\n`;
  return Buffer.from(`${text}\n\n`);
}

/** The response head of a stream: every header the middlewares set, cookies as separate lines. */
function headRecord(headers: Headers): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [key, value] of headers) {
    if (key !== ALREADY_SENT && key !== 'set-cookie') record[key] = value;
  }
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) record['set-cookie'] = cookies;
  return record;
}

/**
 * tRPC subscriptions over Server-Sent Events written straight to Node's socket, answering byte for byte
 * as tRPC's fetch adapter does (`connected`, tracked `data`/`id` frames, `ping`, `return`,
 * `serialized-error` through our error formatter, `maxDurationMs`), so `httpSubscriptionLink` and
 * `EventSource` cannot tell the difference; `trpc-sse-fast-path.test.ts` compares it with the stock adapter.
 *
 * Why it exists: the stock path pipes every stream through three WHATWG streams (tRPC's producer, a
 * TextEncoderStream, the Hono adapter's reader) and serializes each event once per subscriber, which
 * `bench/live.ts` measured as most of the memory and CPU of a subscriber (bench/RESULTS.md, "Live
 * updates"). Here each stream holds its socket, its procedure's iterator and one timer; an event object
 * that many streams send (the live hub hands every subscriber of a channel the same one) is serialized
 * once and the same bytes go to every socket; one ticker pings the idle streams. A slow reader is not
 * buffered without end: the next event is read from the procedure only once the socket drained.
 *
 * Only `GET` subscription calls over Node's HTTP/1 server take this path; anything else (a batch, a
 * malformed input, a failed context, another runtime) goes on to the stock adapter, which gives tRPC's
 * own answer.
 */
export function trpcSseFastPath<TContext extends object>(
  options: TrpcSseFastPathOptions<TContext>,
): TrpcSseFastPath {
  const config = options.router._def._config;
  const sse = (config as { sse?: SseConfig }).sse ?? {};
  const serialize = (value: unknown): unknown => config.transformer.output.serialize(value);
  /** Streams waiting for their head, by the Hono context of their request. */
  const pending = new WeakMap<HonoContext, (headers: Headers) => void>();
  /** The encoded frame of each event object, with the id it was sent under. */
  const frames = new WeakMap<object, { id: string; bytes: Buffer }>();
  const open = new Set<Stream>();
  let ticker: NodeJS.Timeout | null = null;

  const pingIntervalMs = () => (sse.ping?.enabled ? (sse.ping.intervalMs ?? 1000) : 0);
  /** One timer for every stream: a ping to each that has sent nothing for the interval. */
  const watch = (stream: Stream) => {
    open.add(stream);
    const interval = pingIntervalMs();
    if (ticker !== null || interval <= 0) return;
    ticker = setInterval(
      () => {
        const due = Date.now() - interval;
        for (const each of open) if (each.lastWrite <= due) each.write(PING);
      },
      Math.max(10, Math.floor(interval / 4)),
    );
    ticker.unref();
  };
  const unwatch = (stream: Stream) => {
    open.delete(stream);
    if (open.size === 0 && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
  };

  /** The bytes of one value the procedure yielded, cached per event object across streams. */
  const dataFrame = (value: unknown): { id: string | undefined; bytes: Buffer } => {
    if (!isTrackedEnvelope(value))
      return { id: undefined, bytes: frame({ data: JSON.stringify(serialize(value)) }) };
    const [id, data] = value;
    const shared = typeof data === 'object' && data !== null ? frames.get(data) : undefined;
    if (shared && shared.id === id) return shared;
    const bytes = frame({ data: JSON.stringify(serialize(data)), id });
    if (typeof data === 'object' && data !== null) frames.set(data, { id, bytes });
    return { id, bytes };
  };

  const errorFrame = (error: TRPCError, ctx: TContext | undefined, input: unknown, path: string): Buffer => {
    options.onError({ error, path, type: 'subscription' });
    const shape = getErrorShape({ config, ctx, error, input, path, type: 'subscription' });
    return frame({ event: 'serialized-error', data: JSON.stringify(serialize(shape)) });
  };

  /** Writes the stream (its head is out) until the procedure ends, fails, or the client leaves. */
  const run = async (
    outgoing: ServerResponse,
    source: AsyncIterable<unknown> | Buffer,
    abort: AbortController,
    fail: (error: TRPCError) => Buffer,
    resumeFrom: string | null,
  ) => {
    const stream: Stream = {
      lastWrite: Date.now(),
      write: (bytes) => {
        stream.lastWrite = Date.now();
        return outgoing.write(bytes);
      },
    };
    if (abort.signal.aborted) {
      // The client left before the head went out: the procedure's stream is closed unread.
      if (!Buffer.isBuffer(source))
        source[Symbol.asyncIterator]()
          .return?.()
          .catch(() => undefined);
      return;
    }
    const maxDurationMs = sse.maxDurationMs;
    const deadline =
      maxDurationMs && maxDurationMs > 0 ? setTimeout(() => abort.abort(), maxDurationMs) : undefined;
    deadline?.unref();
    stream.write(frame({ event: 'connected', data: JSON.stringify(sse.client ?? {}) }));
    if (Buffer.isBuffer(source)) {
      stream.write(source);
      clearTimeout(deadline);
      outgoing.end();
      return;
    }
    watch(stream);
    const iterator = source[Symbol.asyncIterator]();
    let lastEventId = resumeFrom !== null && !/[\0\n\r]/.test(resumeFrom) ? resumeFrom : null;
    try {
      while (!abort.signal.aborted) {
        // A procedure that leaves its stream when `signal` aborts (as tRPC expects, and ours do) ends
        // this wait when the client goes away; tRPC's adapter waits the same way.
        const next = await iterator.next();
        if (abort.signal.aborted) break;
        if (next.done) {
          stream.write(RETURN);
          break;
        }
        const { id, bytes } = dataFrame(next.value);
        let flowing: boolean;
        if (id !== undefined) {
          lastEventId = id;
          flowing = stream.write(bytes);
        } else if (lastEventId === null) {
          flowing = stream.write(bytes);
        } else {
          // An untracked value after tracked ones: sent without an id, then the last id restored.
          stream.write(frame({ data: JSON.stringify(serialize(next.value)), id: '' }));
          flowing = stream.write(frame({ event: 'restore-id', data: '', id: lastEventId }));
        }
        if (!flowing) {
          await new Promise<void>((resolve) => {
            const done = () => {
              outgoing.off('drain', done);
              abort.signal.removeEventListener('abort', done);
              resolve();
            };
            outgoing.once('drain', done);
            abort.signal.addEventListener('abort', done, { once: true });
          });
        }
      }
    } catch (cause) {
      if (!isAbortError(cause) && !abort.signal.aborted) stream.write(fail(getTRPCErrorFromUnknown(cause)));
    } finally {
      unwatch(stream);
      clearTimeout(deadline);
      abort.abort();
      // Ends the procedure's generator (its `finally` releases what it holds) without waiting on it.
      iterator.return?.().catch(() => undefined);
      outgoing.end();
    }
  };

  const handle: MiddlewareHandler = async (c, next) => {
    if (c.req.method !== 'GET') return next();
    const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
    if (!(outgoing instanceof ServerResponse)) return next();
    const url = new URL(c.req.url);
    if (url.searchParams.has('batch')) return next();
    let path: string;
    try {
      path = decodeURIComponent(url.pathname.slice(options.endpoint.length + 1));
    } catch {
      return next();
    }
    const procedure = await getProcedureAtPath(options.router, path);
    if (procedure?._def.type !== 'subscription') return next();
    const raw = url.searchParams.get('input');
    let input: unknown;
    if (raw !== null && raw !== '') {
      try {
        input = config.transformer.input.deserialize(JSON.parse(raw));
      } catch {
        return next();
      }
    }
    // The client leaving (the socket closing) ends the stream at any point from here on.
    const abort = new AbortController();
    outgoing.once('close', () => abort.abort());
    const lastEventId = getLastEventId({ headers: c.req.raw.headers, searchParams: url.searchParams });
    if (lastEventId) {
      // As tRPC does: the header's id becomes the input's `lastEventId`.
      if (isObject(input)) input = { ...input, lastEventId };
      else input ??= { lastEventId };
    }
    const resHeaders = new Headers();
    let ctx: TContext;
    try {
      ctx = await options.createContext(c, resHeaders);
    } catch {
      abort.abort();
      return next();
    }
    const fail = (error: TRPCError) => errorFrame(error, ctx, input, path);
    let source: AsyncIterable<unknown> | Buffer;
    try {
      const data = await procedure({
        path,
        getRawInput: async () => input,
        ctx,
        type: 'subscription',
        signal: abort.signal,
        batchIndex: 0,
      });
      source = isAsyncIterable(data)
        ? data
        : fail(
            new TRPCErrorClass({
              code: 'INTERNAL_SERVER_ERROR',
              message: `Subscription ${path} did not return an observable or a AsyncGenerator`,
            }),
          );
    } catch (cause) {
      source = fail(getTRPCErrorFromUnknown(cause));
    }
    pending.set(c, (headers) => {
      // Written here, so the stream's long-lived frame keeps no reference to the response's headers.
      if (!abort.signal.aborted) outgoing.writeHead(200, headRecord(headers));
      void run(outgoing, source, abort, fail, lastEventId);
    });
    const headers = new Headers([['vary', 'trpc-accept, accept'], ...Object.entries(sseHeaders)]);
    for (const [key, value] of resHeaders) headers.append(key, value);
    headers.set(ALREADY_SENT, '1');
    return new Response(null, { status: 200, headers });
  };

  const start: MiddlewareHandler = async (c, next) => {
    await next();
    const begin = pending.get(c);
    if (!begin) return;
    pending.delete(c);
    // A middleware that replaced the response (an error page) wins; the stream then never starts and
    // ends with the client.
    if (!c.res.headers.has(ALREADY_SENT)) return;
    begin(c.res.headers);
    // Hands the adapter its marker for "written by the app" (the setter would merge, so unset first).
    c.res = undefined;
    c.res = RESPONSE_ALREADY_SENT;
  };

  return { start, handle };
}
