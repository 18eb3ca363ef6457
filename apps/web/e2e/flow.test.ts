import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOWN_LEVELS } from '../src/lib/thread';
import {
  COMMITTED_SCREENSHOT_DIR,
  launchBrowser,
  removeTempScreenshots,
  saveScreenshot,
  screenshotDir,
} from './browser';
import { mailCount, type RunningServer, startServer, waitForCode } from './server';

/**
 * The product in a real browser: two people use the built web app served by the real server (command 1),
 * each in their own browser context (their own cookies). Steps run in order and build on each other.
 */

const alice = { email: 'alice@example.com', username: 'alice', password: 'correct horse battery' };
const bob = { email: 'bob@example.com', username: 'bob', password: 'another long secret' };
const title = 'How do I type a tRPC router end to end?';

let server: RunningServer;
let browser: Browser;
let aliceContext: BrowserContext;
let bobContext: BrowserContext;
let a: Page;
let b: Page;
let questionUrl = '';
let bobQuestionUrl = '';

/**
 * Signs up in the form and waits for the header to show the user. Returns every text the header's
 * Account navigation showed from the click on, so a flash of "Sign in / Sign up" can be caught.
 */
async function signUp(page: Page, user: typeof alice): Promise<string[]> {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await recordAccountNav(page);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page
    .getByRole('navigation', { name: 'Account' })
    .getByRole('link', { name: user.username })
    .waitFor();
  const log = await page.locator('#account-nav-log li').allTextContents();
  // Once the form is gone (the page moved on), the header must show the new user.
  return log.filter((entry) => !entry.startsWith('/signup '));
}

/**
 * From now on, appends `<path> <text>` to a hidden list in the page (`#account-nav-log`, read back with a
 * locator) whenever the path or the text of the header's Account navigation changes. Client-side
 * navigation keeps the observer alive.
 */
async function recordAccountNav(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log = document.createElement('ol');
    log.id = 'account-nav-log';
    log.hidden = true;
    document.documentElement.append(log);
    const read = () =>
      `${location.pathname} ${document.querySelector('nav[aria-label="Account"]')?.textContent ?? ''}`;
    let last = read();
    new MutationObserver(() => {
      const now = read();
      if (now === last) return;
      last = now;
      const item = document.createElement('li');
      item.textContent = now;
      log.append(item);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

let broken: string | null = null;

/**
 * One step of the story. Steps build on each other, so after a failure the later ones stop at once
 * (failing, naming the step that broke) instead of each waiting for its own timeout.
 */
function step(name: string, run: () => Promise<void>) {
  it(name, async () => {
    if (broken) throw new Error(`not run: the earlier step "${broken}" failed`);
    try {
      await run();
    } catch (error) {
      broken = name;
      throw error;
    }
  });
}

/** The reply `li` whose own text (not its children's) is `text`. */
function reply(page: Page, text: string) {
  return page.getByTestId('reply').filter({ has: page.locator(':scope > .reply__body', { hasText: text }) });
}

/** Modification times of the committed screenshots, before the run. */
const committedScreenshots = (): Record<string, number> =>
  Object.fromEntries(
    readdirSync(COMMITTED_SCREENSHOT_DIR).map((name) => [
      name,
      statSync(join(COMMITTED_SCREENSHOT_DIR, name)).mtimeMs,
    ]),
  );
const screenshotsBefore = committedScreenshots();

describe('DevFlow in the browser', () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const options = {
      baseURL: server.url,
      viewport: { width: 1280, height: 860 },
      colorScheme: 'light' as const,
    };
    aliceContext = await browser.newContext(options);
    bobContext = await browser.newContext(options);
    a = await aliceContext.newPage();
    b = await bobContext.newPage();
    a.setDefaultTimeout(30_000);
    b.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await removeTempScreenshots();
  });

  step('signs up a new user and shows them in the header', async () => {
    const headers = await signUp(a, alice);
    expect(await a.getByRole('link', { name: 'Sign in' }).count()).toBe(0);
    // When the page moves on from the form, the header already shows the new user: no "Sign in".
    expect(headers.filter((entry) => /Sign in|Sign up/.test(entry))).toEqual([]);
  });

  step('tells the first account of a new site that it is the admin', async () => {
    await a.getByRole('heading', { name: `Welcome, ${alice.username}` }).waitFor();
    await a.getByRole('status').filter({ hasText: 'You are the admin.' }).waitFor();
    await a.getByRole('link', { name: 'Continue' }).click();
    await a.getByRole('heading', { level: 1, name: 'All questions' }).waitFor();
  });

  step('verifies the email address with the mailed code', async () => {
    await a.goto('/verify-email');
    const mailsBefore = await mailCount(server.outbox);
    await a.getByRole('button', { name: 'Send me a code' }).click();
    await a.getByText('Code sent.').waitFor();
    await a.getByLabel('Code').fill(await waitForCode(server.outbox, alice.email, mailsBefore));
    await a.getByRole('button', { name: 'Verify' }).click();
    await a.getByRole('heading', { name: 'Email verified' }).waitFor();
  });

  step('asks a question with a live markdown preview and tags', async () => {
    await a.goto('/ask');
    await a.getByLabel('Title').fill(title);
    const body = a.getByRole('textbox', { name: /^Body/ });
    const emptyWidth = (await body.boundingBox())?.width ?? 0;
    await body.fill(
      'I want **end-to-end types** from the database to React.\n\n```ts\n' +
        'export type AppRouter = typeof appRouter; // the one type the web app imports from the server\n```',
    );
    await a
      .getByRole('region', { name: 'Body preview' })
      .locator('strong', { hasText: 'end-to-end types' })
      .waitFor();
    // A wide code block in the preview scrolls inside it; the textarea keeps its width.
    await a.getByRole('region', { name: 'Body preview' }).locator('pre').waitFor();
    expect(emptyWidth).toBeGreaterThan(400);
    expect((await body.boundingBox())?.width).toBeCloseTo(emptyWidth, 0);
    const tags = a.getByLabel('Tags');
    await tags.fill('typescript');
    await tags.press('Enter');
    await tags.fill('trpc');
    await tags.press('Enter');
    await a.getByRole('button', { name: 'Post your question' }).click();
    await a.getByRole('heading', { level: 1, name: title }).waitFor();
    questionUrl = new URL(a.url()).pathname;
    expect(questionUrl).toMatch(/^\/questions\/\d+$/);
    // "1 view", never "1 views".
    const views = /(\d+) (views?)$/.exec((await a.locator('.meta').first().textContent()) ?? '');
    expect(views?.[2]).toBe(views?.[1] === '1' ? 'view' : 'views');
    // The saved post shows the server's sanitized HTML.
    await a.getByTestId('question').locator('strong', { hasText: 'end-to-end types' }).waitFor();
    await a.getByTestId('question').getByRole('link', { name: 'trpc' }).waitFor();
  });

  step('lists the question on the home page and finds it by search', async () => {
    await a.goto('/');
    await a.getByRole('link', { name: title }).waitFor();
    await a.getByLabel('Search questions').fill('router');
    await a.getByLabel('Search questions').press('Enter');
    await a.getByRole('heading', { name: /Results for/ }).waitFor();
    await a.getByRole('link', { name: title }).waitFor();
  });

  step('lets a second user ask and answer', async () => {
    await signUp(b, bob);
    await b.goto('/ask');
    await b.getByLabel('Title').fill('Keyset or offset pagination for a feed?');
    await b
      .getByRole('textbox', { name: /^Body/ })
      .fill('Offset pages skip rows when new posts arrive. Is a keyset cursor the fix?');
    await b.getByLabel('Tags').fill('postgresql');
    await b.getByLabel('Tags').press('Enter');
    await b.getByRole('button', { name: 'Post your question' }).click();
    await b.getByRole('heading', { level: 1, name: 'Keyset or offset pagination for a feed?' }).waitFor();
    bobQuestionUrl = new URL(b.url()).pathname;

    await b.goto(questionUrl);
    await b
      .getByRole('textbox', { name: /^Answer/ })
      .fill('Export `type AppRouter` and import it **only as a type**.');
    await b.getByRole('button', { name: 'Post your answer' }).click();
    await b.getByTestId('answer').locator('strong', { hasText: 'only as a type' }).waitFor();
    await b.getByRole('heading', { name: '1 answer' }).waitFor();
  });

  step('builds a reply thread three levels deep, replying at every level', async () => {
    await a.goto(questionUrl);
    const answer = a.getByTestId('answer');
    await answer.getByRole('button', { name: 'Add a reply' }).click();
    await answer.getByLabel('Reply to this answer').fill('Level one: does this work with React Query?');
    await answer.getByRole('button', { name: 'Post reply' }).click();
    await reply(a, 'Level one').waitFor();

    await b.reload();
    await reply(b, 'Level one').getByRole('button', { name: 'Reply', exact: true }).first().click();
    await b.getByLabel('Reply to alice').fill('Level two: yes, through @trpc/tanstack-react-query.');
    await b.getByRole('button', { name: 'Post reply' }).click();
    await reply(b, 'Level two').waitFor();

    await a.reload();
    await reply(a, 'Level two').getByRole('button', { name: 'Reply', exact: true }).first().click();
    await a.getByLabel('Reply to bob').fill('Level three: thanks, that did it.');
    await a.getByRole('button', { name: 'Post reply' }).click();
    const third = reply(a, 'Level three');
    await third.waitFor();
    const depths = await a
      .getByTestId('reply')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-depth')));
    expect(new Set(depths).size).toBe(3);
    // Level three sits inside level two, which sits inside level one.
    expect(await reply(a, 'Level one').locator(reply(a, 'Level two')).locator(third).count()).toBe(1);

    // Collapse and expand the branch under level one.
    const toggle = reply(a, 'Level one').getByRole('button', { name: 'Hide 2 replies' });
    await toggle.click();
    await third.waitFor({ state: 'hidden' });
    await reply(a, 'Level one').getByRole('button', { name: 'Show 2 replies' }).click();
    await third.waitFor({ state: 'visible' });
  });

  step(`shows ${SHOWN_LEVELS} levels and continues deeper replies on their own page`, async () => {
    // Alice goes on under her own reply, one level past what the page shows.
    let parent = 'Level three';
    for (const word of ['four', 'five', 'six', 'seven']) {
      await reply(a, parent).getByRole('button', { name: 'Reply', exact: true }).first().click();
      await a.getByLabel('Reply to alice').fill(`Depth ${word} of the chain.`);
      await a.getByRole('button', { name: 'Post reply' }).click();
      parent = `Depth ${word}`;
      // The seventh level is past the page's depth: posting it opens its parent's subtree page.
      await reply(a, parent).waitFor();
    }
    expect(new URL(a.url()).pathname).toMatch(/^\/questions\/\d+\/answers\/\d+\/replies\/\d+$/);
    expect(await reply(a, 'Depth six').locator(reply(a, 'Depth seven')).count()).toBe(1);
    await a.goto(questionUrl);
    await reply(a, 'Depth six').waitFor();
    expect(await reply(a, 'Depth seven').count()).toBe(0);
    await reply(a, 'Depth six').getByRole('link', { name: 'Continue this thread' }).click();
    await reply(a, 'Depth seven').waitFor();
    expect(await reply(a, 'Depth six').locator(reply(a, 'Depth seven')).count()).toBe(1);
    await a.getByRole('link', { name: 'Back to the question' }).click();
    await a.getByRole('heading', { level: 1, name: title }).waitFor();
  });

  step('likes the answer (optimistically) and the like survives a reload', async () => {
    const answer = a.getByTestId('answer');
    const like = answer.getByRole('button', { name: /^Like this answer/ });
    await like.click();
    await like.and(a.locator('[aria-pressed="true"]')).waitFor();
    await answer.getByTestId('score').first().filter({ hasText: '1' }).waitFor();
    await a.waitForLoadState('networkidle');
    await a.reload();
    await a
      .getByTestId('answer')
      .getByRole('button', { name: /^Like this answer \(1 likes\)/ })
      .and(a.locator('[aria-pressed="true"]'))
      .waitFor();
  });

  step('accepts the answer as the question author', async () => {
    await a.getByRole('button', { name: 'Accept this answer' }).click();
    await a.getByTestId('answer').getByText('✓ Accepted answer').waitFor();
    expect(await a.getByRole('button', { name: 'Accept this answer' }).count()).toBe(0);
    await saveScreenshot(a, 'question');
  });

  step('follows the author (optimistically) and sees their question in the feed', async () => {
    await b.goto(`/users/${alice.username}`);
    await b.getByRole('heading', { name: alice.username }).waitFor();
    await b.getByRole('button', { name: 'Follow', exact: true }).click();
    await b.getByRole('button', { name: 'Following' }).waitFor();
    await b.getByTestId('followers').filter({ hasText: '1' }).waitFor();
    const stats = b.getByRole('list', { name: 'Statistics' });
    expect(await stats.getByRole('listitem').allTextContents()).toEqual(
      expect.arrayContaining(['1 question', '0 answers', '1 follower']),
    );
    await b.reload();
    await b.getByRole('button', { name: 'Following' }).waitFor();
    await b.getByRole('link', { name: title }).waitFor();
    await saveScreenshot(b, 'profile');

    await b.getByRole('link', { name: 'Feed' }).click();
    await b.getByTestId('feed-item').filter({ hasText: title }).waitFor();
  });

  step('shows the author an unread badge and the notifications', async () => {
    await a.goto('/');
    const badge = a.getByTestId('unread-badge');
    await badge.waitFor();
    expect(Number.parseInt((await badge.textContent()) ?? '0', 10)).toBeGreaterThanOrEqual(2);
    await saveScreenshot(a, 'home');
    await a.getByRole('link', { name: /^Notifications/ }).click();
    await a.getByTestId('notification').filter({ hasText: 'bob answered your question' }).waitFor();
    await a.getByTestId('notification').filter({ hasText: 'bob started following you' }).waitFor();
    await a.getByRole('button', { name: 'Mark all as read' }).click();
    await badge.waitFor({ state: 'detached' });
  });

  step('signs out', async () => {
    await a.getByRole('button', { name: 'Sign out' }).click();
    await a.getByRole('link', { name: 'Sign in' }).waitFor();
    await a.goto('/feed');
    await a.getByRole('heading', { name: 'Sign in required' }).waitFor();
  });

  step('resets a forgotten password with the mailed code and signs in with the new one', async () => {
    await a.goto('/signin');
    await a.getByRole('link', { name: 'Forgot your password?' }).click();
    await a.getByLabel('Email').fill(alice.email);
    const mailsBefore = await mailCount(server.outbox);
    await a.getByRole('button', { name: 'Email me a code' }).click();
    await a.getByText('a 6-digit code is on its way').waitFor();
    await a
      .getByLabel('Code from the email')
      .fill(await waitForCode(server.outbox, alice.email, mailsBefore));
    await a.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await a.getByRole('button', { name: 'Change password' }).click();
    await a.getByRole('heading', { name: 'Password changed' }).waitFor();

    await a.goto('/signin');
    await a.getByLabel('Email or username').fill(alice.username);
    await a.getByLabel('Password').fill(alice.password);
    await a.getByRole('button', { name: 'Sign in' }).click();
    await a.getByRole('alert').waitFor();
    await a.getByLabel('Password').fill('a brand new passphrase');
    await a.getByRole('button', { name: 'Sign in' }).click();
    await a.getByTestId('me-link').filter({ hasText: alice.username }).waitFor();
  });

  step('after sign-in, a ?next= that points off the site opens the home page instead', async () => {
    for (const next of ['/.//evil.example/x', '/\\evil.example', '/%2e//evil.example']) {
      await a.getByRole('button', { name: 'Sign out' }).click();
      await a.getByRole('link', { name: 'Sign in' }).waitFor();
      await a.goto(`/signin?next=${encodeURIComponent(next)}`);
      await a.getByLabel('Email or username').fill(alice.username);
      await a.getByLabel('Password').fill('a brand new passphrase');
      await a.getByRole('button', { name: 'Sign in' }).click();
      await a.waitForURL((url) => url.pathname === '/');
      expect(new URL(a.url()).origin, next).toBe(new URL(server.url).origin);
      await a.getByTestId('me-link').filter({ hasText: alice.username }).waitFor();
    }
  });

  step('keeps a 70-deep chain inside the window, "Continue this thread" going five levels on', async () => {
    // The chain is posted through the API (the browser contexts' cookies, same origin), alternating
    // authors; every level a page shows must stay as wide as the window allows.
    const depth = 70;
    const [, questionId] = /^\/questions\/(\d+)$/.exec(bobQuestionUrl) ?? [];
    let parentId: string | undefined;
    for (let level = 0; level < depth; level++) {
      const page = level % 2 === 0 ? a : b;
      const response = await page.request.post('/trpc/reply.create', {
        headers: { origin: server.url },
        data: {
          targetType: 'question',
          targetId: questionId,
          ...(parentId === undefined ? {} : { parentId }),
          body: `Chain level ${level}: another turn of a long back-and-forth about cursors.`,
        },
      });
      expect(response.status()).toBe(200);
      const body = (await response.json()) as { result: { data: { id: string } } };
      parentId = body.result.data.id;
    }
    const windowWidth = 1280;
    const fits = async (deepest: number) => {
      await reply(a, `Chain level ${deepest}:`).waitFor();
      const width = await a.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        inner: window.innerWidth,
      }));
      expect(width.inner).toBe(windowWidth);
      expect(width.scroll).toBeLessThanOrEqual(width.inner);
      // The deepest reply shown still has room for its text (not one word per line).
      const box = await reply(a, `Chain level ${deepest}:`).locator(':scope > .reply__body').boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(400);
    };
    await a.goto(bobQuestionUrl);
    await fits(SHOWN_LEVELS - 1);
    expect(await reply(a, `Chain level ${SHOWN_LEVELS}:`).count()).toBe(0);
    let pages = 0;
    for (let root = SHOWN_LEVELS - 1; root < depth - 1; root += SHOWN_LEVELS - 1) {
      await reply(a, `Chain level ${root}:`).getByRole('link', { name: 'Continue this thread' }).click();
      await a.waitForURL(/\/questions\/\d+\/replies\/\d+$/);
      const deepest = Math.min(root + SHOWN_LEVELS - 1, depth - 1);
      await fits(deepest);
      // The page starts at the reply it continues from; the one above it is a link away.
      expect(await reply(a, `Chain level ${root - 1}:`).count()).toBe(0);
      pages += 1;
    }
    expect(pages).toBe(13);
    // The last page reaches the end of the chain: nothing left to continue.
    expect(await a.getByRole('link', { name: 'Continue this thread' }).count()).toBe(0);
    await a.getByRole('link', { name: 'Up one level' }).click();
    await reply(a, `Chain level ${depth - SHOWN_LEVELS}:`).waitFor();
    await saveScreenshot(a, 'deep-thread');
  });

  step(
    'leaves the committed screenshots alone unless UPDATE_SCREENSHOTS=1 asks to refresh them',
    async () => {
      if (process.env.UPDATE_SCREENSHOTS === '1') return;
      expect(committedScreenshots()).toEqual(screenshotsBefore);
      expect(await screenshotDir()).not.toBe(COMMITTED_SCREENSHOT_DIR);
    },
  );
});
