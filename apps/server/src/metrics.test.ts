import { MAIL_QUEUE, type QueuedMail } from '@devflow/api';
import { createTestQuestion, createTestUser } from '@devflow/api/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/server';

/** Reads one counter of the Prometheus text at /metrics. */
function counter(text: string, name: string, area: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`devflow_cache_${name}_total{area="${area}"}`));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

describe('GET /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('counts page-cache misses and hits of question pages over HTTP', async () => {
    const author = await createTestUser(server.deps);
    const question = await createTestQuestion(server.deps, author);
    const before = await (await fetch(`${server.url}/metrics`)).text();
    const url = `${server.url}/trpc/question.byId?input=${encodeURIComponent(JSON.stringify({ id: String(question.id) }))}`;
    for (let i = 0; i < 3; i += 1) expect((await fetch(url)).status).toBe(200);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const after = await response.text();
    expect(counter(after, 'misses', 'question') - counter(before, 'misses', 'question')).toBe(1);
    expect(counter(after, 'hits', 'question') - counter(before, 'hits', 'question')).toBe(2);
    expect(counter(after, 'errors', 'question')).toBe(0);
  });

  it('shows the depth, deferred jobs and oldest waiting age of every queue', async () => {
    const gauge = (text: string, name: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`devflow_jobs_${name}{queue="mail"}`))
          ?.split(' ')
          .at(-1) ?? Number.NaN,
      );
    const before = await (await fetch(`${server.url}/metrics`)).text();
    expect(before).toContain('devflow_jobs_up 1');
    expect(gauge(before, 'waiting')).toBe(0);
    const mail: QueuedMail = {
      to: 'later@example.com',
      subject: 'Later',
      text: 'in an hour',
      dedupeKey: 'later',
    };
    await server.deps.jobs.enqueue(server.deps.db, MAIL_QUEUE, mail, { startAfterSeconds: 3600 });
    // Held back an hour: it waits, deferred, and ages (created 90 s ago, as far as the queue knows).
    await server.deps.db.execute(
      sql`update pgboss.job set created_on = now() - interval '90 seconds' where name = 'mail' and state = 'created'`,
    );
    const after = await (await fetch(`${server.url}/metrics`)).text();
    expect(gauge(after, 'waiting')).toBe(1);
    expect(gauge(after, 'deferred')).toBe(1);
    expect(gauge(after, 'oldest_waiting_seconds')).toBeGreaterThanOrEqual(90);
    expect(gauge(after, 'failed')).toBe(0);
  });
});
