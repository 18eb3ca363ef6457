import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { claimMailDelivery, type Executor, markMailSent, releaseMailClaim } from '@devflow/db';
import { createTransport, type Transporter } from 'nodemailer';
import type { ApiConfig, MailRetry } from '../config';
import type { ApiDeps } from '../deps';
import type { JobContext, JobOptions } from './jobs';

/** A message DevFlow sends; `code` is the one-time code it carries, if any (the outbox shows it). */
export type MailMessage = {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Extra headers, e.g. `List-Unsubscribe` (RFC 8058). */
  headers?: Record<string, string> | undefined;
  code?: string | undefined;
};

/**
 * A mail to deliver through the queue. `dedupeKey` names this one mail for good: a job retried (or
 * the same mail enqueued again) with a key already delivered sends nothing.
 */
export type QueuedMail = MailMessage & { dedupeKey: string };

/** The queue mail jobs go through. */
export const MAIL_QUEUE = 'mail';

/** The address DevFlow's mails come from. */
export const MAIL_FROM = 'DevFlow <no-reply@devflow.local>';

const transports = new WeakMap<ApiConfig, Transporter>();

/** The SMTP transport of this configuration (one per config object), with timeouts well under the job's. */
function transportOf(config: ApiConfig, smtpUrl: string): Transporter {
  let transport = transports.get(config);
  if (!transport) {
    transport = createTransport({
      url: smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    transports.set(config, transport);
  }
  return transport;
}

/**
 * Sends a mail now: through SMTP when `config.smtpUrl` is set, otherwise appended as one JSON line
 * `{ to, subject, text, code, at }` to `config.mailOutbox` (development and tests read codes there).
 * Throws when the mail server refuses or cannot be reached. The log line never contains the code.
 * Application code enqueues mail with `enqueueMail` instead; the mail job calls this.
 */
export async function sendMail(deps: Pick<ApiDeps, 'config' | 'log'>, message: MailMessage): Promise<void> {
  const { config, log } = deps;
  if (config.smtpUrl) {
    await transportOf(config, config.smtpUrl).sendMail({
      from: MAIL_FROM,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html !== undefined ? { html: message.html } : {}),
      ...(message.headers !== undefined ? { headers: message.headers } : {}),
    });
    log.info({ to: message.to, subject: message.subject }, 'mail sent');
    return;
  }
  await mkdir(dirname(config.mailOutbox), { recursive: true });
  const line = JSON.stringify({
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.headers !== undefined ? { headers: message.headers } : {}),
    code: message.code ?? null,
    at: new Date().toISOString(),
  });
  await appendFile(config.mailOutbox, `${line}\n`, 'utf8');
  log.info({ to: message.to, subject: message.subject, outbox: config.mailOutbox }, 'mail written to outbox');
}

/**
 * Enqueues `mail` inside the caller's transaction `tx`: it is delivered (with retries, see
 * `mailJobOptions`) once `tx` commits, and never when it rolls back.
 */
export async function enqueueMail(
  deps: Pick<ApiDeps, 'jobs'>,
  tx: Executor,
  mail: QueuedMail,
): Promise<void> {
  await deps.jobs.enqueue(tx, MAIL_QUEUE, mail);
}

/** A claim older than this belongs to an attempt that died (jobs expire after 120 s, see below). */
const STALE_CLAIM_SECONDS = 300;

/** Thrown when another job is sending the same mail right now: this attempt retries later. */
export class MailBusyError extends Error {
  constructor() {
    super('another job is sending this mail right now');
    this.name = 'MailBusyError';
  }
}

/**
 * Sends the message `compose` builds unless the mail `dedupeKey` was sent already: the attempt first
 * claims the key (`claimMailDelivery`), sends, then marks it sent; a failed send gives the claim back
 * and throws (the job retries). At least once — a crash between the mail server's acceptance and the
 * mark can send it again — and never twice otherwise: a retry after a recorded send, or a second job
 * with the same key, sends nothing (`compose` is not even called, so a mail carrying a fresh code
 * never replaces the code already delivered). `compose` may return null to send nothing. Returns
 * whether a mail was sent.
 */
export async function sendMailOnce(
  deps: Pick<ApiDeps, 'config' | 'log' | 'db'>,
  dedupeKey: string,
  jobId: string,
  compose: () => Promise<MailMessage | null>,
): Promise<boolean> {
  const claim = await claimMailDelivery(deps.db, { dedupeKey, jobId, staleSeconds: STALE_CLAIM_SECONDS });
  if (claim === 'sent') {
    deps.log.info({ jobId }, 'mail already sent: skipped');
    return false;
  }
  if (claim === 'busy') throw new MailBusyError();
  try {
    const message = await compose();
    if (!message) {
      await releaseMailClaim(deps.db, { dedupeKey, jobId });
      return false;
    }
    await sendMail(deps, message);
  } catch (error) {
    await releaseMailClaim(deps.db, { dedupeKey, jobId }).catch(() => {});
    throw error;
  }
  await markMailSent(deps.db, { dedupeKey, jobId });
  return true;
}

/** The mail job: delivers one `QueuedMail` once (`sendMailOnce`), retried as `mailJobOptions` says. */
export function deliverMail(deps: Pick<ApiDeps, 'config' | 'log' | 'db'>) {
  return async (mail: QueuedMail, job: JobContext): Promise<void> => {
    const { dedupeKey, ...message } = mail;
    await sendMailOnce(deps, dedupeKey, job.id, async () => message);
  };
}

/** The mail queue's retry schedule from `MAIL_RETRY`: exponential backoff capped at `maxDelaySeconds`. */
export function mailJobOptions(retry: MailRetry): JobOptions {
  return {
    retryLimit: retry.limit,
    retryDelaySeconds: retry.delaySeconds,
    retryBackoff: true,
    retryDelayMaxSeconds: retry.maxDelaySeconds,
    // Well over the SMTP timeouts above: an attempt still running after this is retried.
    expireInSeconds: 120,
    keepSeconds: 14 * 24 * 60 * 60,
    concurrency: 4,
  };
}

/**
 * The shortest time pg-boss's backoff lets `retry` span from the first attempt to the last: retry `n`
 * waits `delay × 2^(n-1)` to twice that (jitter), at most `maxDelaySeconds`.
 */
export function minimumRetrySpanSeconds(retry: MailRetry): number {
  let total = 0;
  for (let n = 1; n <= retry.limit; n += 1) {
    total += Math.min(retry.maxDelaySeconds, retry.delaySeconds * 2 ** (Math.min(16, n) - 1));
  }
  return total;
}
