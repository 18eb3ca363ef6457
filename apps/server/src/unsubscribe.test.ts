import { existsSync, readFileSync } from 'node:fs';
import { callerFor, createTestUser } from '@devflow/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/server';

let server: TestServer;

type Mail = { to: string; text: string; headers?: Record<string, string> };

async function mailsTo(email: string): Promise<Mail[]> {
  await server.deps.jobs.drainJobs();
  const outbox = server.deps.config.mailOutbox;
  if (!existsSync(outbox)) return [];
  return readFileSync(outbox, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Mail)
    .filter((mail) => mail.to === email);
}

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

describe('POST /mail/unsubscribe (RFC 8058 one-click)', () => {
  it("works signed out from the mail's own header, once; refuses a forged token; GET only leads to the page", async () => {
    const deps = server.deps;
    const asker = await createTestUser(deps, { emailVerified: true });
    const helper = await createTestUser(deps);
    const question = await callerFor(deps, asker).question.create({
      title: 'Which mail has an unsubscribe header?',
      body: 'A body that is long enough to be a valid post.',
      tags: ['mail'],
    });
    await callerFor(deps, helper).answer.create({
      questionId: String(question.id),
      body: 'An answer that sends the asker a mail.',
    });
    const [mail] = await mailsTo(asker.email);
    const header = mail?.headers?.['List-Unsubscribe'] ?? '';
    const oneClick = /^<(.+)>$/.exec(header)?.[1];
    if (!oneClick) throw new Error(`no List-Unsubscribe URL in ${header}`);
    expect(oneClick.startsWith(`${server.url}/mail/unsubscribe?token=`)).toBe(true);
    // The mail's text links the web page that asks before unsubscribing, with the same token.
    const token = new URL(oneClick).searchParams.get('token') ?? '';
    expect(mail?.text).toContain(`${server.url}/unsubscribe?token=${encodeURIComponent(token)}`);

    // A forged token: 400, nothing changes.
    const forged = oneClick.replace(
      /token=[^.]+/,
      `token=${Buffer.from(JSON.stringify([helper.id, ['answer']])).toString('base64url')}`,
    );
    const refused = await fetch(forged, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ ok: false, error: expect.stringMatching(/not valid/) });
    expect((await callerFor(deps, asker).user.notificationSettings()).answer).toBe('instant');

    // GET (a link scanner) changes nothing and points at the web page.
    const get = await fetch(oneClick, { redirect: 'manual' });
    expect(get.status).toBe(303);
    expect(get.headers.get('location')).toMatch(/^\/unsubscribe\?token=/);
    expect((await callerFor(deps, asker).user.notificationSettings()).answer).toBe('instant');

    // The mail client's POST: no cookie, no session, a foreign origin.
    const done = await fetch(oneClick, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ ok: true, kinds: ['answer'] });
    expect((await callerFor(deps, asker).user.notificationSettings()).answer).toBe('off');

    // The next answer sends no mail.
    await callerFor(deps, helper).answer.create({
      questionId: String(question.id),
      body: 'A second answer, after unsubscribing.',
    });
    expect(await mailsTo(asker.email)).toHaveLength(1);
  });
});
