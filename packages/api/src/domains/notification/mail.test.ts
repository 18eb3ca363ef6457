import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../platform/unsubscribe-token';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';
import { sendDigests } from './mail';
import { unsubscribeWithToken } from './settings';

type Mail = { to: string; subject: string; text: string; html?: string; headers?: Record<string, string> };

let deps: TestDeps;
let asker: SessionUser;
let helper: SessionUser;
let fan: SessionUser;
let unverified: SessionUser;

const body = 'A body that is long enough to be a valid post.';

/** Every mail written so far (the outbox file), after the queue has delivered what it holds. */
async function mails(): Promise<Mail[]> {
  await deps.jobs.drainJobs();
  if (!existsSync(deps.config.mailOutbox)) return [];
  return readFileSync(deps.config.mailOutbox, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Mail);
}

const to = (user: SessionUser) => async () => (await mails()).filter((mail) => mail.to === user.email);

beforeAll(async () => {
  deps = await createTestDeps({ publicUrl: 'https://devflow.example' });
  asker = await createTestUser(deps, { emailVerified: true });
  helper = await createTestUser(deps, { emailVerified: true });
  fan = await createTestUser(deps, { emailVerified: true });
  unverified = await createTestUser(deps, { emailVerified: false });
});

afterAll(async () => {
  await deps.close();
});

describe('notification settings', () => {
  it('start at the defaults and change only the kinds named', async () => {
    const me = callerFor(deps, fan);
    expect(await me.user.notificationSettings()).toEqual({
      answer: 'instant',
      reply: 'instant',
      accepted: 'instant',
      follow: 'off',
      watchedQuestion: 'daily',
      watchedTag: 'daily',
    });
    const changed = await me.user.setNotificationSettings({ watchedTag: 'weekly' });
    expect(changed).toMatchObject({ watchedTag: 'weekly', watchedQuestion: 'daily', answer: 'instant' });
    expect(await callerFor(deps, helper).user.notificationSettings()).toMatchObject({ watchedTag: 'daily' });
    await expect(me.user.setNotificationSettings({})).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(me.user.setNotificationSettings({ answer: 'hourly' as 'daily' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(callerFor(deps, null).user.notificationSettings()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect((await me.user.notificationSettings()).watchedTag).toBe('weekly');
  });
});

describe('notification mail', () => {
  it('mails an answer to the asker at once: one mail, text and HTML, links and one-click unsubscribe', async () => {
    const q = await callerFor(deps, asker).question.create({
      title: 'How are instant mails sent?',
      body,
      tags: ['mail'],
    });
    // The badge of a first question is announced in the app, never by mail (no setting covers badges).
    expect((await callerFor(deps, asker).notification.list({})).items.map((n) => n.type)).toEqual(['badge']);
    expect(await to(asker)()).toEqual([]);
    await callerFor(deps, helper).answer.create({ questionId: String(q.id), body });
    const received = await to(asker)();
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail?.subject).toContain('answered your question');
    expect(mail?.subject).toContain('How are instant mails sent?');
    expect(mail?.text).toContain(`https://devflow.example/questions/${q.id}`);
    expect(mail?.html).toContain(`href="https://devflow.example/questions/${q.id}"`);
    expect(mail?.text).toContain('https://devflow.example/unsubscribe?token=');
    expect(mail?.headers?.['List-Unsubscribe']).toMatch(
      /^<https:\/\/devflow\.example\/mail\/unsubscribe\?token=.+>$/,
    );
    expect(mail?.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    // The HTML escapes what users wrote.
    const sneaky = await callerFor(deps, asker).question.create({
      title: 'Is <script>alert(1)</script> escaped?',
      body,
      tags: ['mail'],
    });
    await callerFor(deps, helper).answer.create({ questionId: String(sneaky.id), body });
    const latest = (await to(asker)()).at(-1);
    expect(latest?.html).toContain('&lt;script&gt;');
    expect(latest?.html).not.toContain('<script>');
  });

  it('sends nothing for a kind set to off, nor to unverified addresses', async () => {
    await callerFor(deps, asker).user.setNotificationSettings({ answer: 'off' });
    const before = (await to(asker)()).length;
    const q = await callerFor(deps, asker).question.create({
      title: 'A question with mail turned off',
      body,
      tags: ['mail'],
    });
    await callerFor(deps, helper).answer.create({ questionId: String(q.id), body });
    expect(await to(asker)()).toHaveLength(before);
    // The notification itself is still there.
    expect((await callerFor(deps, asker).notification.list({})).items[0]).toMatchObject({
      questionId: String(q.id),
    });
    await callerFor(deps, asker).user.setNotificationSettings({ answer: 'instant' });

    const theirs = await callerFor(deps, unverified).question.create({
      title: 'Unverified asker question here',
      body,
      tags: ['mail'],
    });
    await callerFor(deps, helper).answer.create({ questionId: String(theirs.id), body });
    expect(await to(unverified)()).toEqual([]);
  });

  it('groups the daily digest by question, skips what was read, and sends it once', async () => {
    const first = await callerFor(deps, asker).question.create({
      title: 'First digest question',
      body,
      tags: ['digest'],
    });
    const second = await callerFor(deps, asker).question.create({
      title: 'Second digest question',
      body,
      tags: ['digest'],
    });
    await callerFor(deps, fan).watch.question({ questionId: String(first.id) });
    await callerFor(deps, fan).watch.question({ questionId: String(second.id) });
    await callerFor(deps, helper).answer.create({ questionId: String(first.id), body });
    await callerFor(deps, unverified).answer.create({ questionId: String(first.id), body });
    await callerFor(deps, helper).answer.create({ questionId: String(second.id), body });
    const third = await callerFor(deps, asker).question.create({
      title: 'Third digest question',
      body,
      tags: ['digest'],
    });
    await callerFor(deps, fan).watch.question({ questionId: String(third.id) });
    await callerFor(deps, helper).answer.create({ questionId: String(third.id), body });
    // The fan reads the notification about the third question in the app: the digest leaves it out.
    const news = (await callerFor(deps, fan).notification.list({})).items;
    const read = news.find((n) => n.questionId === String(third.id));
    if (!read) throw new Error('no notification about the third question');
    await callerFor(deps, fan).notification.markRead({ ids: [read.id] });
    // Watched-question news is daily by default: nothing went out at once.
    expect(await to(fan)()).toEqual([]);

    expect(await sendDigests(deps, 'weekly')).toBe(0);
    expect(await sendDigests(deps, 'daily')).toBeGreaterThanOrEqual(1);
    const digests = await to(fan)();
    expect(digests).toHaveLength(1);
    const digest = digests[0];
    expect(digest?.subject).toBe('Your daily DevFlow digest: 3 new notifications');
    expect(digest?.text.match(/First digest question/g)).toHaveLength(1);
    expect(digest?.text).toContain('Second digest question');
    expect(digest?.text).not.toContain('Third digest question');
    expect(digest?.html).toContain(`https://devflow.example/questions/${first.id}`);
    expect(digest?.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    // A second run finds nothing new to send.
    await sendDigests(deps, 'daily');
    expect(await to(fan)()).toHaveLength(1);
  });
});

describe('unsubscribe tokens', () => {
  it('turn off the kinds they name, without a session, and refuse forged or altered tokens', async () => {
    const token = signUnsubscribeToken(deps.config.appSecret, { userId: fan.id, kinds: ['watchedQuestion'] });
    expect(verifyUnsubscribeToken(deps.config.appSecret, token)).toEqual({
      userId: fan.id,
      kinds: ['watchedQuestion'],
    });
    const forged = signUnsubscribeToken('another-secret', { userId: fan.id, kinds: ['answer'] });
    const [payload] = token.split('.');
    const altered = `${Buffer.from(JSON.stringify([asker.id, ['watchedQuestion']])).toString('base64url')}.${token.split('.')[1]}`;
    for (const bad of [forged, altered, `${payload}`, `${token}.x`, '', 'a.b']) {
      await expect(unsubscribeWithToken(deps, bad)).rejects.toThrow(/not valid/);
    }
    expect((await callerFor(deps, asker).user.notificationSettings()).watchedQuestion).toBe('daily');

    expect(await unsubscribeWithToken(deps, token)).toEqual({ ok: true, kinds: ['watchedQuestion'] });
    expect(await unsubscribeWithToken(deps, token)).toEqual({ ok: true, kinds: ['watchedQuestion'] });
    expect(await callerFor(deps, fan).user.notificationSettings()).toMatchObject({
      watchedQuestion: 'off',
      watchedTag: 'weekly',
    });
  });
});
