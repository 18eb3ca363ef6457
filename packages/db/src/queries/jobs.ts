import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';

/** One queue's jobs by state, as `/metrics` and `drainJobs` read them. */
export type QueueCountsRow = {
  queue: string;
  /** Created or waiting for a retry (deferred ones included). */
  waiting: number;
  /** Waiting jobs whose start is still ahead (a retry's backoff, a delayed job). */
  deferred: number;
  /** Running now. */
  active: number;
  /** Retries used up; kept until the queue's retention removes them. */
  failed: number;
  /** Attempts that failed and were retried, over the jobs still stored. */
  retries: number;
  /** Seconds since the oldest waiting job was created; 0 when none waits. */
  oldestWaitingSeconds: number;
};

/**
 * Counts the jobs of every pg-boss queue by state, straight from `pgboss.job` (pg-boss's own queue
 * counters are refreshed by its monitor only every so often). One pass over the live jobs: pg-boss
 * deletes finished ones after each queue's retention.
 */
export async function countJobsByQueue(db: Executor): Promise<QueueCountsRow[]> {
  const rows = await queryRows<{
    queue: string;
    waiting: string | number;
    deferred: string | number;
    active: string | number;
    failed: string | number;
    retries: string | number;
    oldest: string | number | null;
  }>(
    db,
    sql`select q.name as queue,
          count(j.id) filter (where j.state in ('created', 'retry')) as waiting,
          count(j.id) filter (where j.state in ('created', 'retry') and j.start_after > now()) as deferred,
          count(j.id) filter (where j.state = 'active') as active,
          count(j.id) filter (where j.state = 'failed') as failed,
          coalesce(sum(j.retry_count), 0) as retries,
          extract(epoch from now() - min(j.created_on) filter (where j.state in ('created', 'retry'))) as oldest
        from pgboss.queue q
        left join pgboss.job j on j.name = q.name
        group by q.name
        order by q.name`,
  );
  return rows.map((row) => ({
    queue: row.queue,
    waiting: Number(row.waiting),
    deferred: Number(row.deferred),
    active: Number(row.active),
    failed: Number(row.failed),
    retries: Number(row.retries),
    oldestWaitingSeconds: row.oldest === null ? 0 : Math.max(0, Math.round(Number(row.oldest))),
  }));
}

/** A job that used up its retries. */
export type FailedJobRow = {
  id: string;
  queue: string;
  /** Attempts made (the first one and every retry). */
  attempts: number;
  createdAt: Date;
  failedAt: Date | null;
  /** The last attempt's error message, as the handler threw it. */
  error: string | null;
};

/** The newest `limit` failed jobs of every queue, newest first. Job data is left out (it may hold codes). */
export async function listFailedJobs(db: Executor, limit: number): Promise<FailedJobRow[]> {
  const rows = await queryRows<{
    id: string;
    queue: string;
    retry_count: number;
    created_on: string | Date;
    completed_on: string | Date | null;
    error: string | null;
  }>(
    db,
    sql`select id::text as id, name as queue, retry_count, created_on, completed_on,
          coalesce(output ->> 'message', output::text) as error
        from pgboss.job
        where state = 'failed'
        order by completed_on desc nulls last, created_on desc
        limit ${limit}`,
  );
  return rows.map((row) => ({
    id: row.id,
    queue: row.queue,
    attempts: Number(row.retry_count) + 1,
    createdAt: new Date(row.created_on),
    failedAt: row.completed_on === null ? null : new Date(row.completed_on),
    error: row.error,
  }));
}
