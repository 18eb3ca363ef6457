import {
  countJobsByQueue,
  type DbHandle,
  type Executor,
  type FailedJobRow,
  jobsConnection,
  jobsInTransaction,
  listFailedJobs,
  loggableError,
  type QueueCountsRow,
} from '@devflow/db';
import { PgBoss, type SendOptions, type WorkOptions } from 'pg-boss';
import type { Logger } from '../deps';

/** What a handler learns about the job it runs. */
export type JobContext = { id: string; name: string; retryCount: number };

/**
 * Runs one job. It must be idempotent (a job may run again after a crash or an expired attempt); a
 * throw fails the attempt, which is retried as the queue's options say, then kept as failed.
 */
export type JobHandler<T> = (data: T, job: JobContext) => Promise<void>;

/** How a queue retries and keeps its jobs (pg-boss queue options, in seconds). */
export type JobOptions = {
  /** Retries after the first attempt before the job is kept as failed. */
  retryLimit?: number;
  /** Seconds before the first retry (integer, ≥ 1 with backoff). */
  retryDelaySeconds?: number;
  /** Double the delay at each retry (with jitter), up to `retryDelayMaxSeconds`. */
  retryBackoff?: boolean;
  /** Longest delay between two attempts. */
  retryDelayMaxSeconds?: number;
  /** An attempt running longer than this is treated as failed (and retried). */
  expireInSeconds?: number;
  /** How long finished jobs are kept (failed jobs are kept as long, for `admin.jobs` and `/metrics`). */
  keepSeconds?: number;
  /** Jobs of this queue one process runs at once. */
  concurrency?: number;
  /**
   * Seconds between this queue's polls (a new job wakes the workers at once through NOTIFY; polling
   * finds retries that come due). Default: the queue's `pollingIntervalSeconds`, 30 for scheduled jobs.
   */
  pollingIntervalSeconds?: number;
  /**
   * `singleton`: at most one job of this queue runs at a time across every process (scheduled
   * maintenance); `standard` otherwise.
   */
  policy?: 'standard' | 'singleton';
};

/** What `enqueue` accepts besides the data. */
export type EnqueueOptions = {
  /** Run no earlier than this many seconds from now. */
  startAfterSeconds?: number;
  /** A job with the same key still waiting in this queue makes this one a no-op (returns null). */
  singletonKey?: string;
};

/** Depth, failures and age of one queue, as `/metrics` shows them. */
export type QueueStats = QueueCountsRow;

/** A job that used up its retries, as `admin.jobs` and the logs show it. */
export type FailedJob = FailedJobRow;

/** Runs one statement of pg-boss's and returns its rows as objects (pg-boss's database adapter). */
export type JobStatementRunner = {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
};

/** The durable job queue every process shares (pg-boss on the app's database). */
export type JobQueue = {
  /**
   * Enqueues a job inside the caller's transaction `tx` (or on the database, outside one): it exists
   * exactly when `tx` commits. Returns the job id, or null when `singletonKey` made it a no-op.
   */
  enqueue<T extends object>(
    tx: Executor,
    name: string,
    data: T,
    options?: EnqueueOptions,
  ): Promise<string | null>;
  /**
   * `enqueue` on a connection of the caller's own: pg-boss's statement goes through `db.executeSql`, in
   * whatever transaction that runs it. Exported so the bench's bare twin, whose transaction runs on
   * postgres.js, enqueues with the very statement (bench/write-twins.ts).
   */
  enqueueVia<T extends object>(
    db: JobStatementRunner,
    name: string,
    data: T,
    options?: EnqueueOptions,
  ): Promise<string | null>;
  /**
   * Declares the queue `name` and the handler this process runs its jobs with. Call before `start()`
   * (the server's wiring does, in `packages/api/src/jobs.ts`).
   */
  registerJob<T extends object>(name: string, handler: JobHandler<T>, options?: JobOptions): void;
  /**
   * Runs `handler` on the cron expression `cron` (UTC, minute resolution). Every process may register
   * it; each slot runs once, in one process (a singleton queue).
   */
  scheduleJob(
    name: string,
    cron: string,
    handler: JobHandler<Record<string, never>>,
    options?: JobOptions,
  ): void;
  /** Creates the queues, starts the workers and the scheduler. */
  start(): Promise<void>;
  /** Stops taking jobs and waits (up to `timeoutMs`) for running ones to finish. */
  stop(timeoutMs?: number): Promise<void>;
  /**
   * Resolves once no job of `queues` (default: every registered queue) is waiting, deferred for a
   * retry, or running; wakes the workers meanwhile. Rejects after `timeoutMs` naming what is left.
   * For tests and scripts.
   */
  drainJobs(options?: { queues?: string[]; timeoutMs?: number }): Promise<void>;
  /** Depth, failures and oldest age of every queue. */
  stats(): Promise<QueueStats[]>;
  /** The newest failed jobs (retries used up), newest first. */
  failedJobs(limit?: number): Promise<FailedJob[]>;
  /** Queue names registered so far. */
  readonly queues: readonly string[];
};

/** How `createJobQueue` runs pg-boss. */
export type JobQueueOptions = {
  dbHandle: DbHandle;
  log: Logger;
  /** PostgreSQL connections pg-boss may hold (its own pool; PGlite ignores it). */
  poolSize?: number;
  /** Seconds between polls of each worker when not woken by NOTIFY; pg-boss's floor is 0.5. */
  pollingIntervalSeconds?: number;
  /** Run no worker and no scheduler (a process that only enqueues). */
  workers?: boolean;
};

type Registration = {
  name: string;
  handler: JobHandler<object>;
  options: JobOptions;
  cron?: string;
};

/** Defaults of every queue: three quick retries, finished jobs kept a week. */
const DEFAULT_OPTIONS: Required<Omit<JobOptions, 'retryDelayMaxSeconds' | 'pollingIntervalSeconds'>> = {
  retryLimit: 3,
  retryDelaySeconds: 2,
  retryBackoff: true,
  expireInSeconds: 15 * 60,
  keepSeconds: 7 * 24 * 60 * 60,
  concurrency: 2,
  policy: 'standard',
};

function queueOptions(options: JobOptions) {
  const o = { ...DEFAULT_OPTIONS, ...options };
  return {
    retryLimit: o.retryLimit,
    retryDelay: o.retryDelaySeconds,
    retryBackoff: o.retryBackoff,
    ...(o.retryDelayMaxSeconds !== undefined ? { retryDelayMax: o.retryDelayMaxSeconds } : {}),
    expireInSeconds: o.expireInSeconds,
    deleteAfterSeconds: o.keepSeconds,
    // Waiting jobs outlive the whole retry schedule.
    retentionSeconds: Math.max(o.keepSeconds, 14 * 24 * 60 * 60),
    notify: true,
  };
}

/**
 * What a failed attempt is remembered by (`admin.jobs`, `/metrics` readers): the error's type and its
 * message as `loggableError` keeps it — never a failed query's parameters (addresses, codes).
 */
function safeReason(error: unknown): string {
  const logged = loggableError(error);
  const detail = logged.message ?? logged.errorCode ?? logged.cause?.message ?? logged.cause?.errorCode ?? '';
  return `${logged.type}${detail ? `: ${detail}` : ''}`.slice(0, 500);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A job queue on pg-boss over `dbHandle`'s database: on PGlite through the same instance (statements
 * take turns with the app's transactions), on PostgreSQL through a small pool of its own. Jobs are
 * rows in the `pgboss` schema, so they survive restarts, and any number of processes may work the same
 * queues: pg-boss hands each job to one of them (`FOR UPDATE SKIP LOCKED`).
 */
export function createJobQueue(options: JobQueueOptions): JobQueue {
  const { dbHandle, log } = options;
  const polling = options.pollingIntervalSeconds ?? 2;
  const boss = new PgBoss({
    ...jobsConnection(dbHandle, options.poolSize ?? 2),
    useListenNotify: true,
    schedule: options.workers !== false,
    supervise: true,
    migrate: true,
    openTelemetry: { enabled: false },
    registerInstance: false,
  });
  boss.on('error', (error: unknown) => {
    // pg-boss reports failed maintenance and polling here; a failed query's message may carry values.
    const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
    log.error({ code, what: error instanceof Error ? error.name : 'error' }, 'job queue error');
  });
  const registrations = new Map<string, Registration>();
  const workerIds: string[] = [];
  let started = false;

  const register = (registration: Registration) => {
    if (started) throw new Error(`register job "${registration.name}" before the queue starts`);
    if (registrations.has(registration.name))
      throw new Error(`job "${registration.name}" is registered twice`);
    registrations.set(registration.name, registration);
  };

  const run =
    (registration: Registration) =>
    async (jobs: { id: string; name: string; data: object; retryCount: number }[]) => {
      for (const job of jobs) {
        const started = Date.now();
        try {
          await registration.handler(job.data, { id: job.id, name: job.name, retryCount: job.retryCount });
          log.debug({ job: job.name, jobId: job.id, ms: Date.now() - started }, 'job done');
        } catch (error) {
          const limit = registration.options.retryLimit ?? DEFAULT_OPTIONS.retryLimit;
          const reason = safeReason(error);
          const fields = { job: job.name, jobId: job.id, attempt: job.retryCount + 1, err: error };
          if (job.retryCount >= limit) log.error(fields, 'job failed for good: kept as failed');
          else log.warn(fields, 'job attempt failed: will retry');
          // pg-boss stores what is thrown as the job's output: only the safe description goes there.
          throw new Error(reason);
        }
      }
    };

  const sendVia = async (
    db: JobStatementRunner,
    name: string,
    data: object,
    enqueueOptions: EnqueueOptions = {},
  ): Promise<string | null> => {
    const send: SendOptions = { db };
    if (enqueueOptions.startAfterSeconds !== undefined) send.startAfter = enqueueOptions.startAfterSeconds;
    if (enqueueOptions.singletonKey !== undefined) send.singletonKey = enqueueOptions.singletonKey;
    return boss.send(name, data, send);
  };

  return {
    get queues() {
      return [...registrations.keys()];
    },

    enqueue: (tx, name, data, enqueueOptions) => sendVia(jobsInTransaction(tx), name, data, enqueueOptions),

    enqueueVia: sendVia,

    registerJob(name, handler, jobOptions = {}) {
      register({ name, handler: handler as JobHandler<object>, options: jobOptions });
    },

    scheduleJob(name, cron, handler, jobOptions = {}) {
      register({
        name,
        handler: handler as JobHandler<object>,
        options: {
          retryLimit: 1,
          policy: 'singleton',
          concurrency: 1,
          pollingIntervalSeconds: 30,
          ...jobOptions,
        },
        cron,
      });
    },

    async start() {
      if (started) return;
      started = true;
      await boss.start();
      for (const registration of registrations.values()) {
        const wanted = queueOptions(registration.options);
        const existing = await boss.getQueue(registration.name);
        if (existing) {
          const { notify: _notify, ...updatable } = wanted;
          await boss.updateQueue(registration.name, updatable);
        } else {
          await boss.createQueue(registration.name, {
            ...wanted,
            policy: registration.options.policy ?? DEFAULT_OPTIONS.policy,
          });
        }
        if (registration.cron) await boss.schedule(registration.name, registration.cron, null, { tz: 'UTC' });
      }
      if (options.workers === false) return;
      for (const registration of registrations.values()) {
        const work: WorkOptions = {
          batchSize: 1,
          localConcurrency: registration.options.concurrency ?? DEFAULT_OPTIONS.concurrency,
          pollingIntervalSeconds: registration.options.pollingIntervalSeconds ?? polling,
          notifyPollingIntervalSeconds: registration.options.pollingIntervalSeconds ?? polling,
        };
        workerIds.push(await boss.work(registration.name, work, run(registration)));
      }
    },

    async stop(timeoutMs = 10_000) {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },

    async drainJobs({ queues, timeoutMs = 30_000 } = {}) {
      const names = queues ?? [...registrations.keys()];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const pending = (await countJobsByQueue(dbHandle.db)).filter(
          (row) => names.includes(row.queue) && row.waiting + row.active > 0,
        );
        if (pending.length === 0) return;
        if (Date.now() > deadline) {
          const left = pending.map((row) => `${row.queue}: ${row.waiting} waiting, ${row.active} running`);
          throw new Error(`jobs still pending after ${timeoutMs} ms (${left.join('; ')})`);
        }
        for (const id of workerIds) boss.notifyWorker(id);
        await sleep(50);
      }
    },

    stats: () => countJobsByQueue(dbHandle.db),

    failedJobs: (limit = 50) => listFailedJobs(dbHandle.db, limit),
  };
}

const JOB_GAUGES = [
  ['waiting', 'waiting', 'Jobs waiting to run: new, or waiting for a retry (deferred ones included).'],
  ['deferred', 'deferred', 'Waiting jobs whose start is still ahead (a retry backing off, a delayed job).'],
  ['active', 'active', 'Jobs running now, in any process.'],
  ['failed', 'failed', 'Jobs that used up their retries, kept for inspection.'],
  ['retries', 'retries', 'Failed attempts that were retried, over the jobs still stored.'],
  ['oldest_waiting_seconds', 'oldestWaitingSeconds', 'Age of the oldest waiting job, in seconds.'],
] as const;

/**
 * The queues' depth, failures and oldest age as Prometheus gauges (`devflow_jobs_*{queue="…"}`), and
 * `devflow_jobs_up` (0 when the counts could not be read). Counts only: nothing about the jobs' data.
 */
export async function jobsMetricsText(jobs: Pick<JobQueue, 'stats'>): Promise<string> {
  let stats: QueueStats[];
  try {
    stats = (await jobs.stats()).filter((row) => !row.queue.startsWith('__pgboss'));
  } catch {
    return '# TYPE devflow_jobs_up gauge\ndevflow_jobs_up 0\n';
  }
  const lines = ['# TYPE devflow_jobs_up gauge', 'devflow_jobs_up 1'];
  for (const [name, field, help] of JOB_GAUGES) {
    lines.push(`# HELP devflow_jobs_${name} ${help}`, `# TYPE devflow_jobs_${name} gauge`);
    for (const row of stats) lines.push(`devflow_jobs_${name}{queue="${row.queue}"} ${row[field]}`);
  }
  return `${lines.join('\n')}\n`;
}
