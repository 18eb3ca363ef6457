import { defaultApiConfig } from '@devflow/api';
import { answers, queryRows } from '@devflow/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultServer, startFaultServer } from '../testing/fault-server';
import { call, field, ok, postQuestion, register, type SignedUp } from '../testing/flows';

/** Polls until `check` passes or `timeoutMs` runs out. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('condition not met in time');
}

describe('PostgreSQL restarted under a running server (private PostgreSQL)', () => {
  let fault: FaultServer;
  let alice: SignedUp;
  let questionId: string;

  beforeAll(async () => {
    fault = await startFaultServer({
      withRedis: false,
      config: {
        rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 10_000, durationSeconds: 60 } },
      },
    });
    alice = await register(fault.url, 'alice_pg');
    questionId = await postQuestion(fault.url, alice.token, 'What happens when PostgreSQL restarts?');
  });
  afterAll(() => fault?.stop());

  it('answers 503 with Retry-After and a human message while the database is down, never 500', async () => {
    await fault.pg.stop();
    const list = await call(fault.url, 'question.list', 'query', { sort: 'newest' });
    expect(list.status).toBe(503);
    expect(list.code).toBe('SERVICE_UNAVAILABLE');
    expect(list.message).toMatch(/temporarily unavailable.*retry/i);
    expect(Number(list.headers.get('retry-after'))).toBeGreaterThan(0);

    const calls = await Promise.all([
      call(fault.url, 'question.byId', 'query', { id: questionId }),
      call(fault.url, 'question.search', 'query', { q: 'postgresql' }),
      call(
        fault.url,
        'answer.create',
        'mutation',
        { questionId, body: 'Posted while the database is down.' },
        alice.token,
      ),
      call(fault.url, 'auth.login', 'mutation', { login: alice.username, password: alice.password }),
      call(fault.url, 'auth.me', 'query', undefined, alice.token),
    ]);
    for (const result of calls) {
      // A cached session may still answer auth.me; everything that needs the database is a clean 503.
      expect([200, 503], `${result.status} ${result.code} ${result.message}`).toContain(result.status);
      if (result.status === 503) {
        expect(result.code).toBe('SERVICE_UNAVAILABLE');
        expect(result.headers.get('retry-after')).toBeTruthy();
        expect(result.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
      }
    }
    // The REST mirror answers the same way.
    const rest = await fetch(`${fault.url}/api/question/list?sort=newest`);
    expect(rest.status).toBe(503);
    expect(Number(rest.headers.get('retry-after'))).toBeGreaterThan(0);
    const restBody = await rest.text();
    expect(restBody).toMatch(/temporarily unavailable/i);
    expect(restBody).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);

    const health = await fetch(`${fault.url}/healthz`);
    expect(health.status).toBe(503);
  });

  it('serves reads and writes again once PostgreSQL is back, without a server restart', async () => {
    await fault.pg.start();
    await eventually(
      async () => (await call(fault.url, 'question.list', 'query', { sort: 'newest' })).status === 200,
    );
    const created = await ok(
      fault.url,
      'answer.create',
      'mutation',
      { questionId, body: 'Posted after the database came back.' },
      alice.token,
    );
    const answerId = Number(field(created, 'id'));
    const rows = await queryRows<{ n: number }>(
      fault.deps.db,
      sql`select count(*)::int as n from ${answers} where ${answers.id} = ${answerId}`,
    );
    expect(Number(rows[0]?.n)).toBe(1);
    // The write attempted during the outage left nothing behind.
    const during = await queryRows<{ n: number }>(
      fault.deps.db,
      sql`select count(*)::int as n from ${answers} where ${answers.body} = 'Posted while the database is down.'`,
    );
    expect(Number(during[0]?.n)).toBe(0);
    expect((await fetch(`${fault.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${fault.url}/api/question/list?sort=newest`)).status).toBe(200);
  });
});
