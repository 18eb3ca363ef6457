import { defaultApiConfig } from '@devflow/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultServer, startFaultServer } from '../testing/fault-server';
import { type CallResult, call, field, ok, postQuestion, register, type SignedUp } from '../testing/flows';

/** Every call in an outage must be answered, quickly, and never with a 5xx. */
function expectServed(result: CallResult, started: number, what: string) {
  expect(result.status, `${what}: ${result.status} ${result.code} ${result.message}`).toBeLessThan(500);
  expect(Date.now() - started, `${what} took too long`).toBeLessThan(3_000);
}

async function timed(what: string, run: () => Promise<CallResult>): Promise<CallResult> {
  const started = Date.now();
  const result = await run();
  expectServed(result, started, what);
  return result;
}

describe('Redis stopped under a running server (private Redis and PostgreSQL)', () => {
  let fault: FaultServer;
  let alice: SignedUp;
  let bob: SignedUp;
  let questionId: string;

  beforeAll(async () => {
    fault = await startFaultServer({
      withRedis: true,
      config: {
        rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 5, durationSeconds: 60 } },
      },
    });
    alice = await register(fault.url, 'alice_redis');
    bob = await register(fault.url, 'bob_redis');
    questionId = await postQuestion(fault.url, alice.token, 'Does DevFlow survive a Redis outage?');
    // Warm every cache the server keeps (sessions, reads).
    await ok(fault.url, 'auth.me', 'query', undefined, alice.token);
    await ok(fault.url, 'question.byId', 'query', { id: questionId });
    await ok(fault.url, 'question.list', 'query', { sort: 'newest' });
    await fault.redis?.stop();
  });
  afterAll(() => fault?.stop());

  it('reports the outage at /healthz (503, cache: redis)', async () => {
    const response = await fetch(`${fault.url}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ok: false, db: 'postgres', cache: 'redis' });
  });

  it('keeps serving reads from the database and sessions for signed-in users', async () => {
    const me = await timed('auth.me', () => call(fault.url, 'auth.me', 'query', undefined, alice.token));
    expect(field(me.data, 'username')).toBe(alice.username);
    const question = await timed('question.byId', () =>
      call(fault.url, 'question.byId', 'query', { id: questionId }),
    );
    expect(field(question.data, 'id')).toBe(questionId);
    const list = await timed('question.list', () =>
      call(fault.url, 'question.list', 'query', { sort: 'newest' }),
    );
    expect(JSON.stringify(list.data)).toContain(questionId);
    const profile = await timed('user.byUsername', () =>
      call(fault.url, 'user.byUsername', 'query', { username: bob.username }),
    );
    expect(field(profile.data, 'username')).toBe(bob.username);
  });

  it('keeps accepting writes, still rate limited (in memory) while Redis is away', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const result = await timed(`answer ${i}`, () =>
        call(
          fault.url,
          'answer.create',
          'mutation',
          { questionId, body: `Answer number ${i} during the outage.` },
          bob.token,
        ),
      );
      statuses.push(result.status);
    }
    // Writes go through, and the per-user limit (5 per minute in this test) still holds.
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(5);
    expect(statuses).toContain(429);
  });

  it('still throttles password guessing (failed logins) without Redis', async () => {
    const codes: (string | null)[] = [];
    for (let i = 0; i < 12; i++) {
      const result = await timed(`login ${i}`, () =>
        call(fault.url, 'auth.login', 'mutation', { login: alice.username, password: `wrong-password-${i}` }),
      );
      codes.push(result.code);
    }
    expect(codes.slice(0, 3)).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED']);
    expect(codes).toContain('TOO_MANY_REQUESTS');
  });

  it('recovers when Redis comes back, without a restart', async () => {
    await fault.redis?.start();
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await fetch(`${fault.url}/healthz`)).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
    const me = await ok(fault.url, 'auth.me', 'query', undefined, alice.token);
    expect(field(me, 'username')).toBe(alice.username);
  });
});
