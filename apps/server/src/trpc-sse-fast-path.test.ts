import { createTestDeps, type TestDeps } from '@devflow/api/testing';
import { LIVE_LIMITS } from '@devflow/contract';
import { serve } from '@hono/node-server';
import { trpcServer } from '@hono/trpc-server';
import { initTRPC, tracked } from '@trpc/server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from './http-server';
import { startFastAndStockServers } from './testing/server';
import { trpcSseFastPath } from './trpc-sse-fast-path';

/** What a client read from one SSE response before it stopped reading. */
type Read = { status: number; headers: Record<string, string | null>; text: string };

const SSE_HEADERS = [
  'content-type',
  'cache-control',
  'x-accel-buffering',
  'vary',
  'x-frame-options',
  'set-cookie',
];

/**
 * Opens an SSE response and reads it until `done(text)` holds or the server ends it, then hangs up.
 * Fails the test when neither happens within `ms`.
 */
async function readSse(
  url: string,
  headers: Record<string, string> = {},
  done: (text: string) => boolean = () => false,
  ms = 10_000,
): Promise<Read> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    const kept: Record<string, string | null> = {};
    for (const name of SSE_HEADERS) kept[name] = response.headers.get(name);
    let text = '';
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    while (reader) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
      if (done(text)) break;
    }
    abort.abort();
    return { status: response.status, headers: kept, text };
  } finally {
    clearTimeout(timer);
  }
}

/** Request ids and timestamps differ between two requests by design; everything else must not. */
const normalized = (read: Read): Read => ({
  ...read,
  text: read.text.replace(/"requestId":"[^"]*"/g, '"requestId":"…"'),
});

const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The SSE fast path (`trpc-sse-fast-path.ts`) must be indistinguishable from tRPC's own adapter: the same
 * request to a server with it and to one without gives the same status, headers and bytes.
 */
describe('tRPC SSE fast path against the stock adapter, on the app', () => {
  let deps: TestDeps;
  let fast: RunningServer;
  let stock: RunningServer;
  let token = '';
  let questionId = '';

  const post = async (base: string, path: string, input: unknown) => {
    const response = await fetch(`${base}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    });
    return ((await response.json()) as { result: { data: { id: string; token: string } } }).result.data;
  };

  beforeAll(async () => {
    deps = await createTestDeps();
    ({ fast, stock } = await startFastAndStockServers(deps));
    token = (
      await post(fast.url, 'auth.register', {
        email: 'sse@example.com',
        username: 'ssefast',
        password: 'a long enough passphrase 42',
      })
    ).token;
    questionId = (
      await post(fast.url, 'question.create', {
        title: 'How do two SSE adapters compare?',
        body: 'Read the same stream from both.',
        tags: ['trpc'],
      })
    ).id;
  });

  afterAll(async () => {
    await Promise.all([fast.stop(2000), stock.stop(2000)]);
    await deps.close();
  });

  /** The same request to both servers, read the same way, reads the same. */
  async function same(path: string, headers: Record<string, string> = {}, done?: (text: string) => boolean) {
    const [a, b] = await Promise.all([
      readSse(`${fast.url}${path}`, headers, done),
      readSse(`${stock.url}${path}`, headers, done),
    ]);
    expect(normalized(a)).toEqual(normalized(b));
    return a;
  }

  it('sends the same refusals: a missing question, invalid input, no session, a batch, broken JSON', async () => {
    const missing = await same(`/trpc/live.question?input=${q({ questionId: '424242' })}`);
    expect(missing.status).toBe(200);
    expect(missing.headers['content-type']).toBe('text/event-stream');
    expect(missing.text).toMatch(
      /^event: connected\ndata: \{.*\}\n\n\nevent: serialized-error\ndata: .*"NOT_FOUND"/,
    );
    const invalid = await same(`/trpc/live.question?input=${q({ questionId: 'x' })}`);
    expect(invalid.text).toContain('"code":"BAD_REQUEST"');
    const anonymous = await same(`/trpc/live.notifications?input=${q({})}`);
    expect(anonymous.text).toContain('"code":"UNAUTHORIZED"');
    await same(`/trpc/live.question?batch=1&input=${q({ 0: { questionId } })}`);
    await same('/trpc/live.question?input=%7B');
  });

  it('sends the same events, in the same frames, and resumes the same from Last-Event-ID or ?lastEventId', async () => {
    const path = `/trpc/live.question?input=${q({ questionId })}`;
    const answered = (text: string) => text.includes('"answer.created"');
    const reading = Promise.all([
      readSse(`${fast.url}${path}`, {}, answered),
      readSse(`${stock.url}${path}`, {}, answered),
    ]);
    await sleep(500);
    await post(fast.url, 'answer.create', { questionId, body: 'An answer both streams must carry alike.' });
    const [a, b] = await reading;
    expect(a).toEqual(b);
    expect(a.text).toMatch(/\n\ndata: \{"type":"answer.created".*\}\nid: \d+\n\n\n$/);
    const id = /id: (\d+)/.exec(a.text)?.[1] ?? '';
    const before = String(Number(id) - 1);
    const header = await same(path, { 'last-event-id': before }, answered);
    expect(header.text).toContain(`id: ${id}\n`);
    const query = await same(`${path}&lastEventId=${before}`, {}, answered);
    expect(query.text).toContain(`id: ${id}\n`);
  });

  it('gives a stream back when its client hangs up: the per-session limit admits new ones', async () => {
    const path = `/trpc/live.notifications?input=${q({})}`;
    const bearer = { authorization: `Bearer ${token}` };
    // Open and drop more streams than the session may hold at once, one after another.
    for (let round = 0; round < LIVE_LIMITS.perSession + 2; round += 1) {
      const read = await readSse(`${fast.url}${path}`, bearer, (text) => text.includes('event: connected'));
      expect(read.text).not.toContain('TOO_MANY_REQUESTS');
      await sleep(20);
    }
  });
});

/**
 * The protocol details the app's procedures do not reach on a test's time scale — pings, `maxDurationMs`,
 * a stream that ends, one that fails midway, untracked values — on a small router served both ways.
 */
describe('tRPC SSE fast path against the stock adapter, protocol', () => {
  type Steps = { gate: Promise<void> };
  const t = initTRPC.create({
    // No stack traces in error shapes: they name the file each adapter runs in.
    isDev: false,
    sse: {
      ping: { enabled: true, intervalMs: 200 },
      maxDurationMs: 1500,
      client: { reconnectAfterInactivityMs: 5000 },
    },
  });
  const router = t.router({
    finite: t.procedure.subscription(async function* () {
      yield tracked('1', { n: 1 });
      yield tracked('2', { n: 2 });
    }),
    failing: t.procedure.subscription(async function* () {
      yield tracked('7', { n: 7 });
      throw new Error('the source broke');
    }),
    mixed: t.procedure.subscription(async function* () {
      yield tracked('3', { n: 3 });
      yield { untracked: true };
    }),
    quiet: t.procedure.subscription(async function* ({ signal }) {
      const steps: Steps = {
        gate: new Promise((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true })),
      };
      yield tracked('1', { n: 1 });
      await steps.gate;
    }),
  });
  const servers: { close: () => void }[] = [];
  let fastUrl = '';
  let stockUrl = '';

  const listen = (app: Hono) =>
    new Promise<string>((resolve) => {
      const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
      servers.push({ close: () => server.close() });
    });

  beforeAll(async () => {
    const adapter = trpcServer({ router, endpoint: '/trpc' });
    const sse = trpcSseFastPath({
      router,
      endpoint: '/trpc',
      createContext: async () => ({}),
      onError: () => {},
    });
    const withFast = new Hono();
    withFast.use(sse.start);
    withFast.use('/trpc/*', sse.handle);
    withFast.use('/trpc/*', adapter);
    const withStock = new Hono();
    withStock.use('/trpc/*', adapter);
    [fastUrl, stockUrl] = await Promise.all([listen(withFast), listen(withStock)]);
  });

  afterAll(() => {
    for (const server of servers) server.close();
  });

  const both = (path: string, done?: (text: string) => boolean) =>
    Promise.all([readSse(`${fastUrl}${path}`, {}, done), readSse(`${stockUrl}${path}`, {}, done)]);

  it('ends a finished stream with `return`, and a failed one with the error, as tRPC does', async () => {
    const [a, b] = await both('/trpc/finite');
    expect(a).toEqual(b);
    expect(a.text).toBe(
      'event: connected\ndata: {"reconnectAfterInactivityMs":5000}\n\n\n' +
        'data: {"n":1}\nid: 1\n\n\ndata: {"n":2}\nid: 2\n\n\nevent: return\ndata: \n\n\n',
    );
    const [c, d] = await both('/trpc/failing');
    expect(c).toEqual(d);
    expect(c.text).toContain('event: serialized-error\ndata: {"message":"the source broke"');
    const [e, f] = await both('/trpc/mixed');
    expect(e).toEqual(f);
    expect(e.text).toContain('event: restore-id\ndata: \nid: 3\n');
  });

  it('pings an idle stream and ends it after maxDurationMs without `return`, as tRPC does', async () => {
    const [a, b] = await both('/trpc/quiet');
    expect(a.status).toBe(200);
    // Both streams ended on their own (the 10 s read limit would have thrown), with pings between.
    const pings = (text: string) => text.split('event: ping\ndata: \n\n\n').length - 1;
    expect(pings(a.text)).toBeGreaterThanOrEqual(4);
    expect(Math.abs(pings(a.text) - pings(b.text))).toBeLessThanOrEqual(2);
    for (const read of [a, b]) {
      expect(
        read.text.startsWith(
          'event: connected\ndata: {"reconnectAfterInactivityMs":5000}\n\n\ndata: {"n":1}\nid: 1\n\n\n',
        ),
      ).toBe(true);
      expect(read.text).not.toContain('event: return');
    }
  });
});
