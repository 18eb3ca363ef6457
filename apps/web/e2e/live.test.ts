import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession, mutate as mutateOn, register } from './api';
import { launchBrowser } from './browser';
import { type RunningServer, startServer } from './server';

/**
 * Live updates in a real browser against the real server: Ann has her question open while Ben answers,
 * replies, edits and deletes over HTTP, Cy likes, a moderator closes and reopens, and her page follows
 * without a reload (new posts announced, then shown on "show"); a hidden tab closes its stream and
 * catches up when shown; her notification badge counts up on its own; and eight tabs of one browser
 * share ONE notifications stream, handed over with its last event id when its tab closes.
 */

let server: RunningServer;
let browser: Browser;
let annContext: BrowserContext;
/** The subscription requests of Ann's first browser context. */
let annStreams: ReturnType<typeof trackStreams>;
let page: Page;
let root = '';
let ann = '';
let ben = '';
let cy = '';
let questionId = '';
let answerId = '';
let replyId = '';
let secondAnswerId = '';
const title = 'Does this page update while I read it?';
const body = 'A question body that is long enough for the rules.';
/** How long a live event may take to show (the server's relay polls once a second). */
const LIVE = { timeout: 10_000 };

/** Ann's unread count as the API tells it. */
async function unreadOfAnn(): Promise<number> {
  const response = await fetch(`${server.url}/trpc/notification.unreadCount`, {
    headers: { authorization: `Bearer ${ann}` },
  });
  const result = (await response.json()) as { result?: { data: { count: number } } };
  if (!result.result) throw new Error(`notification.unreadCount: ${JSON.stringify(result)}`);
  return result.result.data.count;
}

/** Calls a tRPC mutation of the test's server over HTTP as `token`. */
function mutate(path: string, input: unknown, token?: string): Promise<Record<string, unknown>> {
  return mutateOn(server.url, path, input, token);
}

/** A browser context signed in with `token`'s session cookie. */
async function signedInContext(token: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 860 } });
  await addSession(context, server.url, token);
  return context;
}

/** Ben answers Ann's question `id` over HTTP; returns the answer's id. */
async function benAnswers(id: string, text: string): Promise<string> {
  return String((await mutate('answer.create', { questionId: id, body: text }, ben)).id);
}

/** The unread count the header's badge shows on `tab` (0 when it shows none). */
async function badge(tab: Page): Promise<number> {
  const shown = tab.getByTestId('unread-badge');
  if ((await shown.count()) === 0) return 0;
  return Number.parseInt((await shown.textContent()) ?? '0', 10);
}

/** `live.*` subscription requests of a browser context: every one made, and those still open. */
function trackStreams(context: BrowserContext) {
  const made: Request[] = [];
  const open = new Set<Request>();
  const isLive = (request: Request) => new URL(request.url()).pathname.startsWith('/trpc/live.');
  context.on('request', (request) => {
    if (!isLive(request)) return;
    made.push(request);
    open.add(request);
  });
  context.on('requestfinished', (request) => open.delete(request));
  context.on('requestfailed', (request) => open.delete(request));
  /** Streams still open (of procedure `path`, e.g. `live.question`, when given). */
  const openCount = (path?: string) =>
    [...open].filter(
      (request) =>
        // A closed tab's stream closed with it (Playwright reports no end for it).
        !request.frame().page().isClosed() &&
        (path === undefined || request.url().includes(`/trpc/${path}?`)),
    ).length;
  return { made, openCount };
}

describe('live updates in the browser', () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // The first account of an empty database is the admin; Ann and Ben are ordinary users.
    root = await register(server.url, 'root_live');
    ann = await register(server.url, 'ann_live');
    ben = await register(server.url, 'ben_live');
    cy = await register(server.url, 'cy_live');
    questionId = String((await mutate('question.create', { title, body, tags: ['live'] }, ann)).id);
    annContext = await signedInContext(ann);
    annStreams = trackStreams(annContext);
    page = await annContext.newPage();
    page.setDefaultTimeout(30_000);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('announces an answer by someone else and shows it, with the new count, on "show"', async () => {
    await page.goto(`/questions/${questionId}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByRole('heading', { level: 2, name: '0 answers' }).waitFor();
    // Headless Chromium reports its pages visible, so the question's stream runs.
    await expect(page.evaluate(() => document.visibilityState)).resolves.toBe('visible');
    await expect.poll(() => annStreams.openCount('live.question'), LIVE).toBe(1);
    // A mark on this document: it is gone if anything reloads the page.
    await page.evaluate(() => Reflect.set(window, 'liveMark', 'same document'));

    answerId = await benAnswers(questionId, 'An answer that arrives while Ann reads the question.');
    const news = page.getByRole('button', { name: '1 new answer — show' });
    await news.waitFor(LIVE);
    // Announced, not inserted: the list and its count wait for the reader.
    expect(await page.getByTestId('answer').count()).toBe(0);
    await page.getByRole('heading', { level: 2, name: '0 answers' }).waitFor();

    await news.click();
    const answer = page.getByRole('article', { name: 'Answer by ben_live' });
    await answer.getByText('An answer that arrives while Ann reads the question.').waitFor();
    await page.getByRole('heading', { level: 2, name: '1 answer' }).waitFor();
    expect(await news.count()).toBe(0);
    // The page was patched in place, not reloaded.
    expect(await page.evaluate(() => Reflect.get(window, 'liveMark'))).toBe('same document');
  });

  it('updates reply, like and accepted mark live', async () => {
    const answer = page.getByRole('article', { name: 'Answer by ben_live' });
    replyId = String(
      (
        await mutate(
          'reply.create',
          { targetType: 'answer', targetId: answerId, body: 'Ben adds a reply under his answer.' },
          ben,
        )
      ).id,
    );
    const news = page.getByRole('button', { name: '1 new reply — show' });
    await news.waitFor(LIVE);
    expect(await answer.getByTestId('reply').count()).toBe(0);
    await news.click();
    const reply = answer.getByTestId('reply').filter({ hasText: 'Ben adds a reply under his answer.' });
    await reply.waitFor();

    // Likes by others (nobody may like their own post): the counts change on Ann's page.
    await mutate('reaction.set', { targetType: 'answer', targetId: answerId, value: 'like' }, cy);
    await answer.getByRole('button', { name: 'Like this answer (1 likes)' }).waitFor(LIVE);
    await mutate('reaction.set', { targetType: 'reply', targetId: replyId, value: 'like' }, cy);
    await reply.getByRole('button', { name: 'Like this reply (1 likes)' }).waitFor(LIVE);
    await mutate('reaction.set', { targetType: 'question', targetId: questionId, value: 'like' }, ben);
    await page
      .getByTestId('question')
      .getByRole('button', { name: 'Like this question (1 likes)' })
      .waitFor(LIVE);

    // Ann accepts from another device (over HTTP): this page shows the mark without a reload.
    expect(await answer.getByText('✓ Accepted answer').count()).toBe(0);
    await mutate('answer.accept', { answerId }, ann);
    await answer.getByText('✓ Accepted answer').waitFor(LIVE);
  });

  it("counts the asker's unread notifications up live", async () => {
    const before = await unreadOfAnn();
    expect(before).toBeGreaterThan(0);
    await expect.poll(() => badge(page), LIVE).toBe(before);
    const second = String(
      (await mutate('question.create', { title: 'A second question of Ann', body, tags: ['live'] }, ann)).id,
    );
    await benAnswers(second, 'Another answer, and another notification for Ann.');
    await expect.poll(() => badge(page), LIVE).toBe(before + 1);
    expect(await page.evaluate(() => Reflect.get(window, 'liveMark'))).toBe('same document');
  });

  it('closes the question stream while the tab is hidden and catches up when it shows again', async () => {
    // Headless tabs never hide, so the test plays the browser's part: the Page Visibility API's state
    // and its event, which is all the page reads.
    const setVisibility = (state: 'hidden' | 'visible') =>
      page.evaluate((value) => {
        Object.defineProperty(document, 'visibilityState', { value, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    const before = annStreams.made.length;
    await setVisibility('hidden');
    await expect.poll(() => annStreams.openCount('live.question'), LIVE).toBe(0);

    secondAnswerId = await benAnswers(questionId, 'A second answer, posted while Ann looks at another tab.');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await page.getByRole('button', { name: /new answer/ }).count()).toBe(0);

    await setVisibility('visible');
    await page.getByRole('button', { name: '1 new answer — show' }).waitFor(LIVE);
    const resumed = annStreams.made.slice(before).map((request) => new URL(request.url()));
    expect(resumed.map((url) => url.pathname)).toEqual(['/trpc/live.question']);
    expect(resumed[0]?.searchParams.get('input')).toMatch(/"lastEventId":"\d+"/);
    expect(annStreams.openCount('live.question')).toBe(1);
    await page.getByRole('button', { name: '1 new answer — show' }).click();
    await page.getByRole('heading', { level: 2, name: '2 answers' }).waitFor();
  });

  it('applies edits, deletions, closing and reopening live', async () => {
    await mutate('question.update', { id: questionId, title: 'Does this page follow every edit?' }, ann);
    await page.getByRole('heading', { level: 1, name: 'Does this page follow every edit?' }).waitFor(LIVE);

    const answer = page.getByRole('article', { name: 'Answer by ben_live' }).filter({ hasText: 'Accepted' });
    await mutate('answer.update', { id: answerId, body: 'Ben rewrote his answer after a second look.' }, ben);
    await answer.getByText('Ben rewrote his answer after a second look.').waitFor(LIVE);

    await mutate('reply.delete', { id: replyId }, ben);
    await answer.getByTestId('reply').getByText('This reply was deleted.').waitFor(LIVE);

    await mutate('answer.delete', { id: secondAnswerId }, ben);
    await page.getByRole('heading', { level: 2, name: '1 answer' }).waitFor(LIVE);
    expect(await page.getByText('A second answer, posted while Ann looks').count()).toBe(0);

    await mutate('question.close', { id: questionId, reason: 'off-topic' }, root);
    await page.getByTestId('closed-banner').waitFor(LIVE);
    expect(await page.getByRole('heading', { name: 'Your answer' }).count()).toBe(0);
    await mutate('question.reopen', { id: questionId }, root);
    await page.getByRole('heading', { name: 'Your answer' }).waitFor(LIVE);
    expect(await page.getByTestId('closed-banner').count()).toBe(0);
    expect(await page.evaluate(() => Reflect.get(window, 'liveMark'))).toBe('same document');
  });

  it('catches up a question opened again from the cache', async () => {
    // Away to the home page inside the app: the question's stream closes, its data stays cached (fresh).
    await page.getByRole('link', { name: 'Questions', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'All questions' }).waitFor();
    await benAnswers(questionId, 'A third answer, posted while Ann is on the home page.');
    await page.goBack();
    await page.getByText('A third answer, posted while Ann is on the home page.').waitFor(LIVE);
    await page.getByRole('heading', { level: 2, name: '2 answers' }).waitFor();
    expect(await page.evaluate(() => Reflect.get(window, 'liveMark'))).toBe('same document');
  });

  it('shares one notifications stream among eight tabs and hands it over when its tab closes', async () => {
    const context = await signedInContext(ann);
    const streams = trackStreams(context);
    const tabs: Page[] = [];
    for (let i = 0; i < 8; i += 1) {
      const tab = await context.newPage();
      tab.setDefaultTimeout(30_000);
      await tab.goto('/');
      tabs.push(tab);
    }
    const unread = await unreadOfAnn();
    for (const tab of tabs) await expect.poll(() => badge(tab), LIVE).toBe(unread);
    // Time for any other tab to open a stream if it would.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(streams.made.map((r) => new URL(r.url()).pathname)).toEqual(['/trpc/live.notifications']);
    expect(streams.openCount()).toBe(1);

    const third = String(
      (await mutate('question.create', { title: 'A third question of Ann', body, tags: ['live'] }, ann)).id,
    );
    await benAnswers(third, 'An answer that every tab of Ann hears of.');
    for (const tab of tabs) await expect.poll(() => badge(tab), LIVE).toBe(unread + 1);

    // The leader's tab closes: another tab takes the stream over, resuming after the last event.
    const [first] = streams.made;
    const leader = first ? tabs.find((tab) => tab === first.frame().page()) : undefined;
    if (!leader) throw new Error('no tab opened the notifications stream');
    await leader.close();
    const rest = tabs.filter((tab) => tab !== leader);
    await expect.poll(() => streams.made.length, LIVE).toBe(2);
    const takeover = new URL(streams.made[1]?.url() ?? '');
    expect(takeover.pathname).toBe('/trpc/live.notifications');
    expect(takeover.searchParams.get('input')).toContain('lastEventId');
    await expect.poll(() => streams.openCount(), LIVE).toBe(1);

    await benAnswers(third, 'A second answer, heard by the tabs still open.');
    for (const tab of rest) await expect.poll(() => badge(tab), LIVE).toBe(unread + 2);
    expect(streams.made).toHaveLength(2);
    await context.close();
  });
});
