import { LIVE_LIMITS } from '@devflow/contract';
import { deleteMailDeliveriesBefore, pruneLiveEvents } from '@devflow/db';
import type { ApiDeps } from './deps';
import { AUTH_CODE_QUEUE, deliverAuthCode } from './domains/auth/service';
import { deleteAllEndedSessions } from './domains/auth/session-adapter';
import { sendDigests } from './domains/notification/mail';
import type { JobHandler } from './platform/jobs';
import { deliverMail, MAIL_QUEUE, mailJobOptions } from './platform/mail';

/** A job that runs on a schedule in one process at a time (see `JobQueue.scheduleJob`). */
export type ScheduledJob = {
  name: string;
  /** Cron expression, UTC. */
  cron: string;
  /** What the job does; it logs its own result. Idempotent: two runs in a row do no harm. */
  run: (deps: ApiDeps) => Promise<void>;
};

/** Delivery records outlive the longest retry schedule by this much (`platform/mail.ts`). */
const MAIL_DEDUPE_KEEP_DAYS = 30;

/** Every scheduled job of the API; other domains add theirs here. */
export const SCHEDULED_JOBS: ScheduledJob[] = [
  {
    name: 'cleanup-sessions',
    cron: '17 * * * *',
    run: async (deps) => {
      const deleted = await deleteAllEndedSessions(deps.db);
      deps.log.info({ deleted }, 'ended sessions deleted');
    },
  },
  {
    // The daily notification digest (`domains/notification/mail.ts`), at 07:00 UTC.
    name: 'notification-digest-daily',
    cron: '0 7 * * *',
    run: async (deps) => {
      const users = await sendDigests(deps, 'daily');
      deps.log.info({ users }, 'daily notification digests enqueued');
    },
  },
  {
    // The weekly digest, Mondays at 07:00 UTC.
    name: 'notification-digest-weekly',
    cron: '0 7 * * 1',
    run: async (deps) => {
      const users = await sendDigests(deps, 'weekly');
      deps.log.info({ users }, 'weekly notification digests enqueued');
    },
  },
  {
    name: 'cleanup-mail-deliveries',
    cron: '23 3 * * *',
    run: async (deps) => {
      const before = new Date(Date.now() - MAIL_DEDUPE_KEEP_DAYS * 24 * 60 * 60 * 1000);
      const deleted = await deleteMailDeliveriesBefore(deps.db, before);
      deps.log.info({ deleted }, 'old mail delivery records deleted');
    },
  },
  {
    // The live backlog keeps `LIVE_LIMITS.retentionMs` and `keepPerChannel` events per channel; older
    // ones go (a client resuming from before them is told to reload: `domains/live/service.ts`).
    name: 'prune-live-events',
    cron: '*/10 * * * *',
    run: async (deps) => {
      const deleted = await pruneLiveEvents(deps.db, {
        before: new Date(Date.now() - LIVE_LIMITS.retentionMs),
        keep: LIVE_LIMITS.keepPerChannel,
      });
      deps.log.info({ deleted }, 'old live events pruned');
    },
  },
];

/**
 * Registers the API's jobs on `deps.jobs`: mail and code-mail delivery and every scheduled job (plus `extra`, for
 * jobs wired by the server or by tests). Call once before `deps.jobs.start()`.
 */
export function registerApiJobs(deps: ApiDeps, extra: ScheduledJob[] = []): void {
  deps.jobs.registerJob(MAIL_QUEUE, deliverMail(deps), mailJobOptions(deps.config.mailRetry));
  deps.jobs.registerJob(AUTH_CODE_QUEUE, deliverAuthCode(deps), mailJobOptions(deps.config.mailRetry));
  for (const job of [...SCHEDULED_JOBS, ...extra]) {
    const handler: JobHandler<Record<string, never>> = () => job.run(deps);
    deps.jobs.scheduleJob(job.name, job.cron, handler);
  }
}
