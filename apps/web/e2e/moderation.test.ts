import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, register } from './api';
import { launchBrowser } from './browser';
import { type RunningServer, startServer } from './server';

/**
 * Moderation in a real browser: similar questions under the ask form's title. (The flag menu and the
 * close/reopen controls have no browser test yet.)
 */

let server: RunningServer;
let browser: Browser;
let modContext: BrowserContext;
let userContext: BrowserContext;
let mod: Page;
let user: Page;
let originalId = '';
let duplicateId = '';

/** Registers an account over HTTP and signs the browser context in with its session cookie. */
async function signedIn(context: BrowserContext, username: string): Promise<string> {
  const token = await register(server.url, username);
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
          server.url,
          'question.create',
          { title: 'How do I parse JSON quickly in Rust?', body, tags: ['rust'] },
          token,
        )
      ).id,
    );
    duplicateId = String(
      (
        await mutate(
          server.url,
          'question.create',
          { title: 'Fastest JSON parsing in Rust?', body, tags: ['rust'] },
          token,
        )
      ).id,
    );
    // The moderator's page is for the flag and close steps, which this file does not have yet.
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
    const link = similar.getByRole('link', { name: 'How do I parse JSON quickly in Rust?' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/questions/${originalId}`);
    expect(
      await similar.getByRole('link', { name: 'Fastest JSON parsing in Rust?' }).getAttribute('href'),
    ).toBe(`/questions/${duplicateId}`);
  });
});
