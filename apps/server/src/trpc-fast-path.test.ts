import { createTestDeps, type TestDeps } from '@devflow/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_SIZE } from './app';
import type { RunningServer } from './http-server';
import { startFastAndStockServers } from './testing/server';

/**
 * The lean tRPC handler must answer exactly as tRPC's own fetch adapter does. Two servers share one
 * database and cache: one with the fast path (the default), one with the stock adapter only. Each request
 * goes to both, and the status, the tRPC headers and the JSON body must match (request ids, which differ by
 * design, are blanked).
 */
describe('tRPC fast path', () => {
  let deps: TestDeps;
  let fast: RunningServer;
  let stock: RunningServer;
  let token = '';
  let questionId = '';

  beforeAll(async () => {
    deps = await createTestDeps({
      rateLimits: {
        loginAccountIp: { points: 4, durationSeconds: 600 },
        loginIp: { points: 100, durationSeconds: 600 },
        register: { points: 100, durationSeconds: 600 },
        otpRequest: { points: 5, durationSeconds: 3600 },
        otpRequestAccountIp: { points: 5, durationSeconds: 3600 },
        otpTriesIp: { points: 5, durationSeconds: 900 },
        otpTries: 5,
        writes: { points: 1000, durationSeconds: 60 },
      },
    });
    ({ fast, stock } = await startFastAndStockServers(deps));
    const registered = await post(fast.url, 'auth.register', {
      email: 'fast@example.com',
      username: 'fastpath',
      password: 'a long enough passphrase 42',
    });
    token = dataOf<{ token: string }>(registered).token;
    const created = await post(
      fast.url,
      'question.create',
      {
        title: 'How do I compare two tRPC adapters?',
        body: 'Send the same request to both.',
        tags: ['trpc'],
      },
      { authorization: `Bearer ${token}` },
    );
    questionId = dataOf<{ id: string }>(created).id;
  });

  afterAll(async () => {
    await Promise.all([fast.stop(2000), stock.stop(2000)]);
    await deps.close();
  });

  type Reply = { status: number; headers: Record<string, string | null>; body: unknown };

  /** The `result.data` of a successful unbatched reply. */
  const dataOf = <T>(reply: Reply) => (reply.body as { result: { data: T } }).result.data;

  /** Sends one request and keeps what a client sees: status, tRPC's headers, the JSON body. */
  async function send(base: string, path: string, init: RequestInit = {}): Promise<Reply> {
    const response = await fetch(`${base}${path}`, init);
    const text = await response.text();
    const headers: Record<string, string | null> = {};
    for (const name of ['content-type', 'vary', 'retry-after', 'set-cookie'])
      headers[name] = response.headers.get(name);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: compared as text
    }
    return { status: response.status, headers, body };
  }

  function post(base: string, procedure: string, input: unknown, headers: Record<string, string> = {}) {
    return send(base, `/trpc/${procedure}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(input),
    });
  }

  /** Request ids differ between two requests by design; everything else must not. */
  function normalized(reply: Reply): Reply {
    return JSON.parse(JSON.stringify(reply).replace(/"requestId":"[^"]*"/g, '"requestId":"…"'));
  }

  /** The same request to both servers gives the same answer. */
  async function same(path: string, init: RequestInit = {}) {
    const a = await send(fast.url, path, init);
    const b = await send(stock.url, path, init);
    expect(normalized(a)).toEqual(normalized(b));
    return a;
  }

  const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));

  it('answers a single query like the stock adapter', async () => {
    const reply = await same(`/trpc/question.byId?input=${q({ id: questionId })}`);
    expect(reply.status).toBe(200);
    expect(dataOf<{ title: string }>(reply).title).toBe('How do I compare two tRPC adapters?');
    expect(reply.headers.vary).toBe('trpc-accept, accept');
  });

  it('answers a batch with a success and an error as one 207, in order', async () => {
    const reply = await same(
      `/trpc/question.byId,question.byId,health.check?batch=1&input=${q({ 0: { id: questionId }, 1: { id: '999999' } })}`,
    );
    expect(reply.status).toBe(207);
    expect(
      (reply.body as { error?: { data: { code: string } } }[]).map((item) => item.error?.data.code ?? 'ok'),
    ).toEqual(['ok', 'NOT_FOUND', 'ok']);
  });

  it('gives the same validation error (BAD_REQUEST with issues) and NOT_FOUND', async () => {
    const invalid = await same(`/trpc/question.byId?input=${q({ id: 'not a number' })}`);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      error: { data: { issues: expect.arrayContaining([expect.anything()]) } },
    });
    const missing = await same(`/trpc/question.byId?batch=1&input=${q({ 0: { id: '424242' } })}`);
    expect(missing.status).toBe(404);
  });

  it('runs mutations with a bearer token and refuses them without one', async () => {
    const input = { targetType: 'question', targetId: questionId, value: 'like' };
    const anonymous = await same('/trpc/reaction.set', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    expect(anonymous.status).toBe(401);
    const other = await post(fast.url, 'auth.register', {
      email: 'voter@example.com',
      username: 'voter',
      password: 'another long passphrase 42',
    });
    const auth = { authorization: `Bearer ${dataOf<{ token: string }>(other).token}` };
    // Setting the same reaction twice is idempotent, so both adapters must answer the same counts.
    const a = await post(fast.url, 'reaction.set?batch=1', { 0: input }, auth);
    const b = await post(stock.url, 'reaction.set?batch=1', { 0: input }, auth);
    expect(a).toEqual(b);
    expect(a.body).toMatchObject([{ result: { data: { likes: 1, mine: 'like' } } }]);
  });

  it('clears a stale session cookie the same way', async () => {
    const reply = await same('/trpc/health.check', { headers: { cookie: 'devflow_session=stale-token' } });
    expect(reply.headers['set-cookie']).toContain('Max-Age=0');
  });

  it('sends Retry-After with TOO_MANY_REQUESTS', async () => {
    const attempt = () => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'fastpath', password: 'wrong password' }),
    });
    // Four failures use up the account's allowance (two on each server: they share the limiter).
    for (let i = 0; i < 2; i++) await same('/trpc/auth.login', attempt());
    const a = await send(fast.url, '/trpc/auth.login', attempt());
    const b = await send(stock.url, '/trpc/auth.login', attempt());
    expect(a.status).toBe(429);
    expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    expect(normalized({ ...a, headers: { ...a.headers, 'retry-after': 'n' } }).body).toEqual(
      normalized({ ...b, headers: { ...b.headers, 'retry-after': 'n' } }).body,
    );
    expect(b.headers['retry-after']).not.toBeNull();
  });

  it('answers unusual requests exactly as the stock adapter does (most are left to it)', async () => {
    const cases: [string, RequestInit, number][] = [
      ['/trpc/no.such.procedure', {}, 404],
      [`/trpc/question.byId?input=${encodeURIComponent('{not json')}`, {}, 400],
      [
        '/trpc/question.byId',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
        405,
      ],
      [`/trpc/reaction.set?input=${q({})}`, {}, 405],
      ['/trpc/reaction.set', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }, 415],
      [
        '/trpc/reaction.set',
        { method: 'POST', headers: { 'content-type': 'application/json-patch+json' }, body: '{}' },
        415,
      ],
      [
        '/trpc/auth.logout',
        { method: 'POST', headers: { 'content-type': 'Application/JSON; charset=utf-8' }, body: '{}' },
        401,
      ],
      ['/trpc/auth.register', { method: 'POST', headers: { 'content-type': 'application/json' } }, 400],
      [
        `/trpc/${Array.from({ length: MAX_BATCH_SIZE + 1 }, () => 'health.check').join(',')}?batch=1`,
        {},
        400,
      ],
      [`/trpc/health.check?batch=1&input=${q([1])}`, {}, 400],
      [`/trpc/health.check?batch=1&input=${q('text')}`, {}, 400],
    ];
    for (const [path, init, status] of cases) {
      const reply = await same(path, init);
      expect({ path, status: reply.status }).toEqual({ path, status });
    }
  });

  it('runs input-less queries given no input, an empty input, {} or null, single and batched', async () => {
    const me = { authorization: `Bearer ${token}` };
    const variants = [
      '',
      '?input=',
      `?input=${q({})}`,
      `?input=${q(null)}`,
      '?batch=1',
      `?batch=1&input=${q({})}`,
      `?batch=1&input=${q({ 0: {} })}`,
      `?batch=1&input=${q({ 0: null })}`,
    ];
    for (const variant of variants) {
      const reply = await same(`/trpc/auth.me${variant}`, { headers: me });
      const item = variant.startsWith('?batch=1') ? (reply.body as unknown[])[0] : reply.body;
      expect({ variant, status: reply.status, item }).toMatchObject({
        variant,
        status: 200,
        item: { result: { data: { username: 'fastpath' } } },
      });
      const health = await same(`/trpc/health.check${variant}`);
      expect({ variant, status: health.status }).toEqual({ variant, status: 200 });
    }
  });

  it('runs input-less mutations sent with no body, an empty body, {} or null, single and batched', async () => {
    await post(fast.url, 'auth.register', {
      email: 'leaver@example.com',
      username: 'leaver',
      password: 'a passphrase for leaving 42',
    });
    const signIn = async () => {
      const reply = await post(fast.url, 'auth.login', {
        login: 'leaver',
        password: 'a passphrase for leaving 42',
      });
      return dataOf<{ token: string }>(reply).token;
    };
    const json = { 'content-type': 'application/json' };
    // [path, headers, body]: `httpLink` sends the first; raw clients and the batch links the rest.
    const variants: [string, Record<string, string>, string | undefined][] = [
      ['/trpc/auth.logout', json, undefined],
      ['/trpc/auth.logout', {}, undefined],
      ['/trpc/auth.logout', json, ''],
      ['/trpc/auth.logout', json, '{}'],
      ['/trpc/auth.logout', json, 'null'],
      ['/trpc/auth.logout?batch=1', json, undefined],
      ['/trpc/auth.logout?batch=1', json, '{}'],
      ['/trpc/auth.logout?batch=1', json, JSON.stringify({ 0: {} })],
      ['/trpc/auth.logout?batch=1', json, JSON.stringify({ 0: null })],
    ];
    for (const [path, headers, body] of variants) {
      const replies: Reply[] = [];
      for (const base of [fast.url, stock.url]) {
        const session = await signIn();
        const auth = { authorization: `Bearer ${session}` };
        replies.push(await send(base, path, { method: 'POST', headers: { ...headers, ...auth }, body }));
        // The session is over: the same token is now anonymous.
        const after = await send(base, '/trpc/auth.me', { headers: auth });
        expect({ path, headers, body, me: dataOf(after) }).toEqual({ path, headers, body, me: null });
      }
      const [a, b] = replies.map(normalized);
      if (!a) throw new Error('no reply');
      expect(a).toEqual(b);
      const item = path.endsWith('?batch=1') ? (a.body as unknown[])[0] : a.body;
      expect({ path, headers, body, status: a.status, item }).toEqual({
        path,
        headers,
        body,
        status: 200,
        item: { result: { data: { ok: true } } },
      });
    }
  });

  it('refuses input to an input-less procedure with BAD_REQUEST naming it', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const query = await same(`/trpc/auth.me?input=${q({ verbose: true })}`, { headers: auth });
    expect(query.status).toBe(400);
    expect(query.body).toMatchObject({ error: { message: expect.stringContaining('verbose') } });
    for (const body of ['"everywhere"', '[]', JSON.stringify({ everywhere: true })]) {
      const mutation = await same('/trpc/auth.logout', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body,
      });
      expect({ body, status: mutation.status }).toEqual({ body, status: 400 });
    }
    // Still signed in: refused calls end nothing.
    expect(dataOf(await send(fast.url, '/trpc/auth.me', { headers: auth }))).toMatchObject({
      username: 'fastpath',
    });
  });

  it('leaves streaming (jsonl) batches to the stock adapter', async () => {
    const a = await fetch(`${fast.url}/trpc/health.check?batch=1&input=${q({})}`, {
      headers: { 'trpc-accept': 'application/jsonl' },
    });
    expect(a.status).toBe(200);
    expect(a.headers.get('transfer-encoding')).toBe('chunked');
    expect(await a.text()).toContain('"ok":true');
  });
});
