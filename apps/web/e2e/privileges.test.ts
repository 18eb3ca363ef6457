import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession } from './api';
import { launchBrowser } from './browser';
import { type RunningServer, startServer } from './server';

/**
 * Privileges in a real browser: an admin switches the preset and a threshold on the Moderation settings
 * page; a newcomer sees the buttons they lack the privilege for disabled with the API's own sentence, their
 * privileges and badges on their profile, and can vote once the admin opens upvoting to everyone.
 */

let server: RunningServer;
let browser: Browser;
let admin: Page;
let carol: Page;
let questionId = '';

/** How long a poll waits for the page to settle (queries run on a loaded machine). */
const POLL = { timeout: 30_000 };

/** A call to the API as a program makes it (Bearer token), for setup. */
async function api(path: string, input: unknown, token?: string): Promise<unknown> {
  const response = await fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { result?: { data?: unknown }; error?: unknown };
  if (!response.ok) throw new Error(`${path}: ${JSON.stringify(body.error)}`);
  return body.result?.data;
}

async function signUp(username: string): Promise<string> {
  const data = (await api('auth.register', {
    email: `${username}@example.com`,
    username,
    password: `Correct-Horse-${username}-42`,
  })) as { token: string };
  return data.token;
}

/** A page whose browser context holds `token` as the session cookie. */
async function pageFor(token: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 860 } });
  await addSession(context, server.url, token);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

describe('privileges in the browser', () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // The first account of an empty database is the admin.
    const adminToken = await signUp('root');
    const carolToken = await signUp('carol');
    const question = (await api(
      'question.create',
      {
        title: 'Who may vote on this question?',
        body: 'A body long enough for the validation rules.',
        tags: ['meta'],
      },
      adminToken,
    )) as { id: string };
    questionId = question.id;
    await api(
      'question.create',
      {
        title: 'Carol asks her very first question',
        body: 'A body long enough for the validation rules.',
        tags: ['meta'],
      },
      carolToken,
    );
    admin = await pageFor(adminToken);
    carol = await pageFor(carolToken);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets the admin switch to the community preset on the Moderation settings page', async () => {
    await admin.goto('/');
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('heading', { name: 'Moderation settings' }).waitFor();
    expect(await admin.getByLabel(/Team —/).isChecked()).toBe(true);
    await admin.getByLabel(/Community —/).check();
    // The table shows the chosen preset's thresholds before saving.
    await expect
      .poll(() => admin.locator('tr[data-privilege="voteDown"] td').nth(1).textContent(), POLL)
      .toBe('125 reputation');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  });

  it('disables what a newcomer may not do yet, with the reason the API gives', async () => {
    await carol.goto(`/questions/${questionId}`);
    const question = carol.getByTestId('question');
    const like = question.getByRole('button', { name: /^Like this question/ });
    const dislike = question.getByRole('button', { name: /^Dislike this question/ });
    await expect
      .poll(() => like.getAttribute('title'), POLL)
      .toBe('Upvoting needs 15 reputation; you have 0.');
    expect(await like.isDisabled()).toBe(true);
    expect(await dislike.isDisabled()).toBe(true);
    expect(await dislike.getAttribute('title')).toBe('Downvoting needs 125 reputation; you have 0.');
    const addReply = carol.getByRole('button', { name: 'Add a reply' }).first();
    expect(await addReply.isDisabled()).toBe(true);
    expect(await addReply.getAttribute('title')).toBe('Replying needs 50 reputation; you have 0.');
  });

  it('shows the newcomer their privileges and their badge on their profile', async () => {
    await carol.goto('/users/carol');
    const missing = carol.getByTestId('privileges-missing');
    await missing.waitFor();
    const lines = await missing.locator('li').allTextContents();
    expect(lines).toContain('Downvote (dislike) posts: Downvoting needs 125 reputation; you have 0.');
    expect(lines).toContain(
      "Edit other people's posts: Editing other people's posts needs 2,000 reputation; you have 0.",
    );
    expect(await carol.getByTestId('privileges-granted').count()).toBe(0);
    const badges = await carol.getByTestId('badges').locator('li').allTextContents();
    expect(badges).toHaveLength(1);
    expect(badges[0]).toContain('Curious');
  });

  it('opens upvoting to everyone when the admin sets its threshold to 0, and the newcomer can vote', async () => {
    await admin.reload();
    const row = admin.locator('tr[data-privilege="voteUp"]');
    await row.getByRole('combobox').selectOption('reputation');
    await row.getByRole('spinbutton').fill('0');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    await carol.goto(`/questions/${questionId}`);
    const question = carol.getByTestId('question');
    const like = question.getByRole('button', { name: /^Like this question/ });
    await expect.poll(() => like.isEnabled(), POLL).toBe(true);
    await like.click();
    await expect.poll(() => question.getByTestId('score').textContent(), POLL).toContain('1');
    expect(await question.getByRole('button', { name: /^Dislike this question/ }).isDisabled()).toBe(true);
  });
});
