import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyPostgresDatabase } from '@devflow/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from './testing/auth-client';
import { type ChildServer, spawnServer } from './testing/child-server';
import { type PrivateService, startPrivatePostgres } from './testing/private-services';
import { codeOf, type SmtpPeer, startSmtpPeer } from './testing/smtp-peer';

const PASSWORD = 'correct horse battery staple';
/** Compressed retries: one a second, far more than a test needs. */
const MAIL_RETRY = JSON.stringify({ limit: 60, delaySeconds: 1, maxDelaySeconds: 1 });

/** Waits until the code-mail queue of the server at `url` is empty (polling /metrics, with a deadline). */
async function waitForIdleQueue(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const value = (name: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`devflow_jobs_${name}{queue="auth-code-mail"}`))
          ?.split(' ')
          .at(-1) ?? Number.NaN,
      );
    if (value('waiting') === 0 && value('active') === 0) return;
    if (Date.now() > deadline) throw new Error(`queue not idle: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops a child server with SIGTERM (as a deploy does) and waits for it to exit. */
async function terminate(server: ChildServer): Promise<number | null> {
  server.child.kill('SIGTERM');
  return server.exited;
}

describe('a code mail survives a server restart while SMTP refuses it (real processes)', () => {
  let smtp: SmtpPeer;
  let dir: string;
  let dropDb: (() => Promise<void>) | null = null;
  let env: Record<string, string>;
  const servers: ChildServer[] = [];

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    dir = mkdtempSync(join(tmpdir(), 'devflow-mail-restart-'));
    const empty = await createEmptyPostgresDatabase();
    dropDb = empty?.drop ?? null;
    env = {
      DATA_DIR: dir,
      SMTP_URL: smtp.url,
      MAIL_RETRY,
      LOG_LEVEL: 'info',
      ...(empty ? { DATABASE_URL: empty.url } : {}),
    };
  });
  afterAll(async () => {
    for (const server of servers) server.kill();
    await smtp?.stop();
    await dropDb?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the job across SIGTERM and delivers it once from the next process', async () => {
    const first = await spawnServer(env, { timeoutMs: 120_000 });
    servers.push(first);
    const { token } = await testClient(first.url).auth.register.mutate({
      email: 'restart@example.com',
      username: 'restart',
      password: PASSWORD,
    });
    smtp.refuse(Number.POSITIVE_INFINITY);
    await testClient(first.url, { token }).auth.requestEmailVerification.mutate();
    // Retried (at least two refused attempts), never delivered.
    const deadline = Date.now() + 30_000;
    while (smtp.attempts() < 2) {
      if (Date.now() > deadline) throw new Error('the mail job was not retried');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await terminate(first)).toBe(0);
    expect(smtp.mailsTo('restart@example.com')).toHaveLength(0);

    smtp.refuse(0);
    const second = await spawnServer(env, { timeoutMs: 120_000 });
    servers.push(second);
    const [mail] = await smtp.waitForMails('restart@example.com', 1, 60_000);
    await waitForIdleQueue(second.url);
    expect(smtp.mailsTo('restart@example.com')).toHaveLength(1);
    if (!mail) throw new Error('no mail');
    const verified = await testClient(second.url, { token }).auth.verifyEmail.mutate({ code: codeOf(mail) });
    expect(verified.emailVerified).toBe(true);
    expect(await terminate(second)).toBe(0);
  }, 300_000);
});

describe('two server processes on one PostgreSQL database (real processes)', () => {
  let smtp: SmtpPeer;
  let dir: string;
  let privatePg: PrivateService | null = null;
  let dropDb: (() => Promise<void>) | null = null;
  let databaseUrl: string;
  const servers: ChildServer[] = [];

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    dir = mkdtempSync(join(tmpdir(), 'devflow-mail-two-'));
    // The run's PostgreSQL when there is one, else a private one: several processes need a real server.
    const empty = await createEmptyPostgresDatabase();
    if (empty) {
      dropDb = empty.drop;
      databaseUrl = empty.url;
    } else {
      privatePg = await startPrivatePostgres();
      databaseUrl = privatePg.url;
    }
  }, 120_000);
  afterEach(() => {
    for (const server of servers) server.kill();
  });
  afterAll(async () => {
    await smtp?.stop();
    await dropDb?.();
    await privatePg?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends each mail exactly once whichever process enqueued it', async () => {
    const env = {
      DATA_DIR: dir,
      DATABASE_URL: databaseUrl,
      SMTP_URL: smtp.url,
      MAIL_RETRY,
      LOG_LEVEL: 'info',
    };
    const a = await spawnServer(env, { timeoutMs: 120_000 });
    servers.push(a);
    const b = await spawnServer(env, { timeoutMs: 120_000 });
    servers.push(b);
    const emails = Array.from({ length: 12 }, (_, i) => `pair${i}@example.com`);
    await Promise.all(
      emails.map(async (email, i) => {
        const url = (i % 2 === 0 ? a : b).url;
        await testClient(url).auth.register.mutate({ email, username: `pair${i}`, password: PASSWORD });
        // Asked from the other process than the one that registered the account.
        await testClient((i % 2 === 0 ? b : a).url).auth.requestPasswordReset.mutate({ email });
      }),
    );
    for (const email of emails) await smtp.waitForMails(email, 1, 60_000);
    await waitForIdleQueue(a.url);
    for (const email of emails) expect(smtp.mailsTo(email), email).toHaveLength(1);
    expect(smtp.received).toHaveLength(emails.length);
    expect(await terminate(a)).toBe(0);
    expect(await terminate(b)).toBe(0);
  }, 300_000);
});
