import { queryRows, sessions } from '@devflow/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, sessionIdOf } from './domains/auth/session';
import { SCHEDULED_JOBS } from './jobs';
import { createTestDeps, createTestUser, type TestDeps } from './testing';

describe('scheduled jobs', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps();
  }, 120_000);
  afterAll(() => deps.close());

  it('are on the schedule, one slot at a time in one process (singleton queues)', async () => {
    const rows = await queryRows<{ name: string; policy: string; cron: string | null }>(
      deps.db,
      sql`select q.name, q.policy, s.cron from pgboss.queue q left join pgboss.schedule s on s.name = q.name
          where q.name in ('cleanup-sessions', 'cleanup-mail-deliveries') order by q.name`,
    );
    expect(rows).toEqual(
      SCHEDULED_JOBS.map((job) => ({ name: job.name, policy: 'singleton', cron: job.cron })).sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
    );
  });

  it('deletes ended sessions and keeps live ones when the cleanup job runs', async () => {
    const user = await createTestUser(deps);
    const ended = await createSession(deps, { userId: user.id, ip: null, userAgent: null });
    const live = await createSession(deps, { userId: user.id, ip: null, userAgent: null });
    await deps.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, sessionIdOf(ended.token)));
    // The job as its schedule would send it, run by the registered worker.
    await deps.jobs.enqueue(deps.db, 'cleanup-sessions', {});
    await deps.jobs.drainJobs();
    const left = await deps.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id));
    expect(left.map((row) => row.id)).toEqual([sessionIdOf(live.token)]);
  });
});
