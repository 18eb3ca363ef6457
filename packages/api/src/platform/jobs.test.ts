import { readFile } from 'node:fs/promises';
import { jobsConnection } from '@devflow/db';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailRetrySchema } from '../config';
import { createTestDeps, type TestDeps } from '../testing';
import { enqueueMail, MAIL_QUEUE, mailJobOptions, minimumRetrySpanSeconds } from './mail';

type OutboxLine = { to: string; subject: string; text: string };

async function outbox(deps: TestDeps, to: string): Promise<OutboxLine[]> {
  const text = await readFile(deps.config.mailOutbox, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OutboxLine)
    .filter((mail) => mail.to === to);
}

describe('mail through the job queue (outbox)', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps();
  }, 120_000);
  afterAll(() => deps.close());

  it('delivers a mail enqueued in a committed transaction, once', async () => {
    await deps.db.transaction(async (tx) => {
      await enqueueMail(deps, tx, { to: 'a@example.com', subject: 'Hi', text: 'hello', dedupeKey: 'a-1' });
    });
    await deps.jobs.drainJobs();
    expect(await outbox(deps, 'a@example.com')).toMatchObject([{ subject: 'Hi', text: 'hello' }]);
  });

  it('enqueues nothing when the transaction rolls back', async () => {
    await expect(
      deps.db.transaction(async (tx) => {
        await enqueueMail(deps, tx, { to: 'b@example.com', subject: 'No', text: 'never', dedupeKey: 'b-1' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    // A mail enqueued after it is delivered, so the queue ran meanwhile.
    await deps.db.transaction((tx) =>
      enqueueMail(deps, tx, { to: 'b@example.com', subject: 'Yes', text: 'later', dedupeKey: 'b-2' }),
    );
    await deps.jobs.drainJobs();
    expect((await outbox(deps, 'b@example.com')).map((mail) => mail.subject)).toEqual(['Yes']);
  });

  it('sends a mail whose de-duplication key was already delivered no second time', async () => {
    for (let i = 0; i < 3; i += 1) {
      await enqueueMail(deps, deps.db, { to: 'c@example.com', subject: 'Once', text: 'x', dedupeKey: 'c-1' });
    }
    await deps.jobs.drainJobs();
    expect(await outbox(deps, 'c@example.com')).toHaveLength(1);
    expect((await deps.jobs.stats()).find((row) => row.queue === MAIL_QUEUE)?.failed).toBe(0);
  });
});

describe('the default mail retry schedule', () => {
  const retry = mailRetrySchema.parse({});

  it('retries within seconds first, at most an hour apart, for at least 24 hours', () => {
    expect(retry.delaySeconds).toBeLessThanOrEqual(5);
    expect(retry.maxDelaySeconds).toBeLessThanOrEqual(3600);
    expect(minimumRetrySpanSeconds(retry)).toBeGreaterThanOrEqual(24 * 60 * 60);
  });

  it('spans at least 24 hours in pg-boss itself (every retry failed, delays read back from the queue)', async () => {
    const deps = await createTestDeps();
    const boss = new PgBoss({
      ...jobsConnection(deps.dbHandle, 1),
      supervise: false,
      schedule: false,
      openTelemetry: { enabled: false },
      registerInstance: false,
    });
    try {
      await boss.start();
      const options = mailJobOptions(retry);
      await boss.createQueue('retry-span', {
        retryLimit: options.retryLimit,
        retryDelay: options.retryDelaySeconds,
        retryBackoff: true,
        retryDelayMax: options.retryDelayMaxSeconds,
      });
      const id = await boss.send('retry-span', {});
      if (!id) throw new Error('no job');
      let total = 0;
      let first = Number.POSITIVE_INFINITY;
      let longest = 0;
      for (let attempt = 0; ; attempt += 1) {
        // Each attempt is fetched regardless of its backoff, failed, and its next start read back.
        const [job] = await boss.fetch('retry-span', { ignoreStartAfter: true });
        if (!job) throw new Error(`no attempt ${attempt + 1}`);
        const failedAt = Date.now();
        await boss.fail('retry-span', job.id, { message: 'mail server down' });
        const [state] = await boss.findJobs<object>('retry-span', { id });
        if (!state || state.state === 'failed') break;
        const delay = (new Date(state.startAfter).getTime() - failedAt) / 1000;
        first = Math.min(first, attempt === 0 ? delay : first);
        longest = Math.max(longest, delay);
        total += delay;
      }
      expect(first).toBeLessThan(10);
      expect(longest).toBeLessThanOrEqual(3600 + 1);
      expect(total).toBeGreaterThanOrEqual(24 * 60 * 60);
    } finally {
      await boss.stop({ graceful: false, close: true });
      await deps.close();
    }
  }, 120_000);
});
