import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession } from './api';
import { launchBrowser } from './browser';
import { mailCount, type RunningServer, startServer, waitForCode } from './server';

/**
 * Watching, bookmarks and notification mail in a real browser against the real server: Bob watches a
 * tag and a question, saves the question, asks for instant mail about watched questions, gets one when
 * someone answers, and unsubscribes from the mail's link while signed out.
 */

let server: RunningServer;
let browser: Browser;
let bobContext: BrowserContext;
let strangerContext: BrowserContext;
let page: Page;

type Account = { token: string; email: string; username: string };
let alice: Account;
let bob: Account;
let questionId = '';
const tag = 'watch-e2e';
const title = 'Which tag does Bob watch in the browser?';

/** Calls a procedure over HTTP as `as` (Bearer token), failing on any error. */
async function call(
  path: string,
  kind: 'query' | 'mutation',
  input: unknown,
  as?: Account,
): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (as) headers.authorization = `Bearer ${as.token}`;
  const response =
    kind === 'query'
      ? await fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
          headers,
        })
      : await fetch(`${server.url}/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify(input) });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`${path} failed: ${JSON.stringify(body)}`);
  const result: unknown = body && typeof body === 'object' ? Reflect.get(body, 'result') : undefined;
  return result && typeof result === 'object' ? Reflect.get(result, 'data') : undefined;
}

async function register(username: string): Promise<Account> {
  const email = `${username}@example.com`;
  const result = await call('auth.register', 'mutation', {
    email,
    username,
    password: 'a long enough password',
  });
  const token = result && typeof result === 'object' ? Reflect.get(result, 'token') : null;
  if (typeof token !== 'string') throw new Error('no token');
  return { token, email, username };
}

async function verify(account: Account): Promise<void> {
  const before = await mailCount(server.outbox);
  await call('auth.requestEmailVerification', 'mutation', {}, account);
  const code = await waitForCode(server.outbox, account.email, before);
  await call('auth.verifyEmail', 'mutation', { code }, account);
}

/** The first mail to `email` with an unsubscribe header after `after` mails, waiting for the queue. */
async function waitForNotificationMail(email: string, after: number): Promise<{ text: string }> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const lines = (await readFile(server.outbox, 'utf8')).split('\n').filter(Boolean).slice(after);
    for (const line of lines) {
      const mail: unknown = JSON.parse(line);
      if (mail && typeof mail === 'object' && Reflect.get(mail, 'to') === email && 'headers' in mail) {
        const text = Reflect.get(mail, 'text');
        if (typeof text === 'string') return { text };
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`No notification mail for ${email} within 20 s`);
}

describe('watching, bookmarks and notification mail in the browser', () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    alice = await register('alice_w');
    bob = await register('bob_w');
    await verify(bob);
    const question = await call(
      'question.create',
      'mutation',
      { title, body: 'A question body that is long enough.', tags: [tag] },
      alice,
    );
    questionId = String(question && typeof question === 'object' ? Reflect.get(question, 'id') : '');
    const options = { baseURL: server.url, viewport: { width: 1280, height: 860 } };
    bobContext = await browser.newContext(options);
    await addSession(bobContext, server.url, bob.token);
    strangerContext = await browser.newContext(options);
    page = await bobContext.newPage();
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('watches a tag from the tag list and a question from its page, and saves the question', async () => {
    await page.goto(`/?tag=${tag}`);
    await page.getByRole('button', { name: `Watch “${tag}”` }).click();
    await page.getByRole('button', { name: `Watching “${tag}”`, pressed: true }).waitFor();

    await page.goto(`/questions/${questionId}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByRole('button', { name: 'Watch', exact: true }).click();
    await page.getByRole('button', { name: 'Watching', pressed: true }).waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).first().click();
    await page.getByRole('button', { name: 'Saved', pressed: true }).waitFor();

    // The question is in the watched-tags feed and on the bookmarks page.
    await page.goto('/feed?source=tags');
    await page.getByTestId('feed-item').filter({ hasText: title }).waitFor();
    await page.getByRole('link', { name: 'Saved' }).click();
    await page.getByTestId('bookmark').filter({ hasText: title }).waitFor();
    const watched = await call('watch.list', 'query', {}, bob);
    expect(watched).toMatchObject({ tags: [{ slug: tag }], questions: [{ id: questionId }] });
  });

  it('chooses instant mail for watched questions, gets one, and unsubscribes signed out', async () => {
    await page.goto('/settings/notifications');
    const select = page.getByLabel('New answers on questions I watch');
    await expect(select.inputValue()).resolves.toBe('daily');
    await select.selectOption({ label: 'Mail at once' });
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.reload();
    await expect(page.getByLabel('New answers on questions I watch').inputValue()).resolves.toBe('instant');

    const before = await mailCount(server.outbox);
    await call(
      'answer.create',
      'mutation',
      { questionId, body: 'An answer that Bob hears of by mail.' },
      alice,
    );
    const mail = await waitForNotificationMail(bob.email, before);
    const link = /(http\S+\/unsubscribe\?token=\S+)/.exec(mail.text)?.[1];
    if (!link) throw new Error(`no unsubscribe link in: ${mail.text}`);

    const stranger = await strangerContext.newPage();
    await stranger.goto(link);
    await stranger.getByRole('button', { name: 'Unsubscribe' }).click();
    await stranger.getByRole('status').filter({ hasText: 'New answers on questions I watch' }).waitFor();
    expect(await call('user.notificationSettings', 'query', {}, bob)).toMatchObject({
      watchedQuestion: 'off',
    });

    // A forged link shows why it failed and changes nothing.
    await stranger.goto(link.replace(/token=[^.]+/, 'token=WzEsWyJhbnN3ZXIiXV0'));
    await stranger.getByRole('button', { name: 'Unsubscribe' }).click();
    await stranger.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    expect(await call('user.notificationSettings', 'query', {}, bob)).toMatchObject({ answer: 'instant' });
  });
});
