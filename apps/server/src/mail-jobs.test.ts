import { enqueueMail, MAIL_QUEUE } from '@devflow/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from './testing/auth-client';
import { freePort } from './testing/private-services';
import { startTestServer, type TestServer } from './testing/server';
import { codeOf, type SmtpPeer, startSmtpPeer } from './testing/smtp-peer';

const PASSWORD = 'correct horse battery staple';

/** One gauge of the Prometheus text at /metrics. */
async function gauge(server: TestServer, name: string, queue: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`devflow_jobs_${name}{queue="${queue}"}`));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

describe('code mails through a real SMTP peer that refuses, then accepts', () => {
  let smtp: SmtpPeer;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpPeer();
    server = await startTestServer({ smtpUrl: smtp.url });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await smtp?.stop();
  });

  it('delivers the code once after three 451 answers, and the code works', async () => {
    const { token } = await testClient(server.url).auth.register.mutate({
      email: 'busy@example.com',
      username: 'busy',
      password: PASSWORD,
    });
    smtp.refuse(3);
    const before = smtp.attempts();
    const client = testClient(server.url, { token });
    await client.auth.requestEmailVerification.mutate();
    const [mail] = await smtp.waitForMails('busy@example.com');
    await server.deps.jobs.drainJobs();
    expect(smtp.mailsTo('busy@example.com')).toHaveLength(1);
    expect(smtp.attempts() - before).toBe(4);
    if (!mail) throw new Error('no mail');
    expect((await client.auth.verifyEmail.mutate({ code: codeOf(mail) })).emailVerified).toBe(true);
  }, 60_000);

  it('sends a mail whose transaction rolled back never, and the next one once', async () => {
    await expect(
      server.deps.db.transaction(async (tx) => {
        await enqueueMail(server.deps, tx, {
          to: 'rollback@example.com',
          subject: 'Never',
          text: 'rolled back',
          dedupeKey: 'rollback-1',
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await server.deps.db.transaction((tx) =>
      enqueueMail(server.deps, tx, {
        to: 'rollback@example.com',
        subject: 'Committed',
        text: 'kept',
        html: '<p>kept</p>',
        dedupeKey: 'rollback-2',
      }),
    );
    await smtp.waitForMails('rollback@example.com');
    await server.deps.jobs.drainJobs();
    const mails = smtp.mailsTo('rollback@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.data).toMatch(/Subject: Committed/);
    expect(mails[0]?.data).toMatch(/text\/html/);
  }, 60_000);
});

describe('code mails while the SMTP server is down for good', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Nothing listens on this port: every attempt is refused at connect.
    server = await startTestServer({
      smtpUrl: `smtp://127.0.0.1:${await freePort()}`,
      mailRetry: { limit: 2, delaySeconds: 1, maxDelaySeconds: 1 },
    });
  }, 120_000);
  afterAll(() => server?.stop());

  it('retries the job, then keeps it as failed, visible in /metrics and failedJobs', async () => {
    await testClient(server.url).auth.register.mutate({
      email: 'down@example.com',
      username: 'down',
      password: PASSWORD,
    });
    expect(
      await testClient(server.url).auth.requestPasswordReset.mutate({ email: 'down@example.com' }),
    ).toEqual({
      ok: true,
    });
    await enqueueMail(server.deps, server.deps.db, {
      to: 'down@example.com',
      subject: 'Lost?',
      text: 'no',
      dedupeKey: 'down-1',
    });
    await server.deps.jobs.drainJobs();
    for (const queue of ['auth-code-mail', MAIL_QUEUE]) {
      expect(await gauge(server, 'failed', queue)).toBe(1);
      expect(await gauge(server, 'retries', queue)).toBe(2);
      expect(await gauge(server, 'waiting', queue)).toBe(0);
    }
    const failed = await server.deps.jobs.failedJobs();
    expect(failed.map((job) => job.queue).sort()).toEqual(['auth-code-mail', MAIL_QUEUE]);
    for (const job of failed) {
      expect(job.attempts).toBe(3);
      expect(job.error).toMatch(/ECONNREFUSED|connect/i);
      expect(job.error).not.toMatch(/down@example\.com/);
    }
  }, 60_000);
});
