import { existsSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from './testing/auth-client';
import { startTestServer, type TestServer } from './testing/server';

type Received = { from: string; to: string[]; data: string };

describe('mail over SMTP', () => {
  let server: TestServer;
  let smtp: SMTPServer;
  let outbox: string;
  const received: Received[] = [];

  beforeAll(async () => {
    // An in-process SMTP server stands in for the mail relay: the boundary DevFlow talks to.
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          data += chunk;
        });
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            data,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const { port } = smtp.server.address() as AddressInfo;
    outbox = join(mkdtempSync(join(tmpdir(), 'devflow-smtp-')), 'outbox.jsonl');
    server = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${port}`, mailOutbox: outbox });
  });
  afterAll(async () => {
    await server.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const waitForMail = async (to: string) => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const mail = received.find((message) => message.to.includes(to));
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`no mail to ${to}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  it('sends the verification code through the SMTP server instead of the outbox', async () => {
    const anonymous = testClient(server.url);
    const { token } = await anonymous.auth.register.mutate({
      email: 'smtp-user@example.com',
      username: 'smtp-user',
      password: 'correct horse battery staple',
    });
    const client = testClient(server.url, { token });
    await client.auth.requestEmailVerification.mutate();
    const mail = await waitForMail('smtp-user@example.com');
    expect(mail.from).toBe('no-reply@devflow.local');
    expect(mail.data).toMatch(/Subject: Your DevFlow verification code/);
    const code = /code is (\d{6})/.exec(mail.data)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect((await client.auth.verifyEmail.mutate({ code: code ?? '' })).emailVerified).toBe(true);
    expect(existsSync(outbox)).toBe(false);
  });
});
