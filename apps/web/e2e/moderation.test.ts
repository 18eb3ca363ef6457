import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { type RunningServer, startServer } from './server';

/**
 * Moderation in a real browser: similar questions under the ask form's title, the flag menu of a post, and
 * a moderator closing a question as a duplicate (the banner links the original; the answer form goes away)
 * and reopening it.
 */

let server: RunningServer;
let browser: Browser;
let modContext: BrowserContext;
let userContext: BrowserContext;
let mod: Page;
let user: Page;
let originalId = '';
let duplicateId = '';

/** Calls a tRPC mutation over plain HTTP and returns its data. */
async function mutate(path: string, input: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { result?: { data: Record<string, unknown> } };
  if (!response.ok || !body.result) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body.result.data;
}

/** Registers an account over HTTP and signs the browser context in with its session cookie. */
async function signedIn(context: BrowserContext, username: string): Promise<string> {
  const { token } = await mutate('auth.register', {
    email: `${username}@example.com`,
    username,
    password: 'a long enough password',
  });
  if (typeof token !== 'string') throw new Error('no token');
  await context.addCookies([{ name: 'devflow_session', value: token, url: server.url }]);
  return token;
}

describe('moderation in the browser', () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const options = { baseURL: server.url, viewport: { width: 1280, height: 860 } };
    modContext = await browser.newContext(options);
    userContext = await browser.newContext(options);
    // The first account of an empty database is the admin.
    const token = await signedIn(modContext, 'moda');
    await signedIn(userContext, 'usera');
    const body = 'A question body that is long enough for the rules.';
    originalId = String(
      (
        await mutate(
          'question.create',
          { title: 'How do I parse JSON quickly in Rust?', body, tags: ['rust'] },
          token,
        )
      ).id,
    );
    duplicateId = String(
      (
        await mutate(
          'question.create',
          { title: 'Fastest JSON parsing in Rust?', body, tags: ['rust'] },
          token,
        )
      ).id,
    );
    mod = await modContext.newPage();
    user = await userContext.newPage();
    mod.setDefaultTimeout(30_000);
    user.setDefaultTimeout(30_000);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows similar questions under the ask form’s title', async () => {
    await user.goto('/ask');
    await user.getByLabel(/^Title/).fill('parse JSON in Rust');
    const similar = user.getByRole('region', { name: 'Similar questions' });
    await similar.getByRole('link', { name: 'How do I parse JSON quickly in Rust?' }).waitFor();
  });

  it('flags a question from its menu', async () => {
    await user.goto(`/questions/${originalId}`);
    await user.getByText('Flag', { exact: true }).first().click();
    const form = user.getByRole('form', { name: 'Flag this question' });
    await form.getByLabel(/^Off-topic/).check();
    await form.getByLabel('Note for the reviewers').fill('Not about programming');
    await form.getByRole('button', { name: 'Flag question' }).click();
    await user.getByText('Thanks, a reviewer will look at it.').waitFor();
  });

  it('closes a question as a duplicate with a banner linking the original, then reopens it', async () => {
    await mod.goto(`/questions/${duplicateId}`);
    await mod.getByText('Close', { exact: true }).click();
    const form = mod.getByRole('form', { name: 'Close this question' });
    await form.getByLabel(/^Duplicate/).check();
    await form.getByLabel('Original question id').fill(originalId);
    await form.getByRole('button', { name: 'Close question' }).click();
    const banner = mod.getByTestId('closed-banner');
    await banner.getByRole('link', { name: 'How do I parse JSON quickly in Rust?' }).waitFor();
    expect(await banner.textContent()).toContain('This question is closed, so it takes no new answers.');
    await user.goto(`/questions/${duplicateId}`);
    await user.getByTestId('closed-banner').waitFor();
    expect(await user.getByRole('button', { name: /Post your answer/i }).count()).toBe(0);
    await mod.getByRole('button', { name: 'Reopen' }).click();
    await mod.getByTestId('closed-banner').waitFor({ state: 'detached' });
  });
});
