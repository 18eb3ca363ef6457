import { THREAD_PAGE_SIZE } from '@devflow/contract/limits';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { type RunningServer, startServer } from './server';

/**
 * A reply thread larger than one `reply.thread` page in a real browser against the real server: the
 * question page shows the first page, and "Show more replies" — under the reply the next page goes on
 * from — brings the rest, in order.
 */

let server: RunningServer;
let browser: Browser;
let page: Page;
let questionId = '';
/** The top-level reply whose children outgrow the first page, and its children oldest first. */
let parentBody = '';
const childBodies: string[] = [];
/** Children beyond the first page: the parent and `THREAD_PAGE_SIZE.default - 1` children fill it. */
const beyond = 12;

/** Calls a mutation over HTTP with a Bearer token, failing on any error; returns its data. */
async function mutate(path: string, input: unknown, token?: string): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(input),
  });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`${path} failed: ${JSON.stringify(body)}`);
  const result: unknown = body && typeof body === 'object' ? Reflect.get(body, 'result') : undefined;
  return result && typeof result === 'object' ? Reflect.get(result, 'data') : undefined;
}

/** The `id` (or `token`) field of a mutation's data. */
function field(data: unknown, name: 'id' | 'token'): string {
  const value = data && typeof data === 'object' ? Reflect.get(data, name) : undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`no ${name} in the answer`);
  return String(value);
}

/** The texts of the reply bodies on the page, in document order. */
async function shownBodies(): Promise<string[]> {
  return page.locator('[data-testid="reply"] > .reply__body').allInnerTexts();
}

describe('a reply thread larger than one page', () => {
  beforeAll(async () => {
    // Hundreds of replies by one account within a minute: lift the write limit for this server only.
    const saved = process.env.RATE_LIMITS;
    process.env.RATE_LIMITS = JSON.stringify({ writes: { points: 5000, durationSeconds: 60 } });
    try {
      server = await startServer();
    } finally {
      if (saved === undefined) delete process.env.RATE_LIMITS;
      else process.env.RATE_LIMITS = saved;
    }
    browser = await launchBrowser();
    const token = field(
      await mutate('auth.register', {
        email: 'threader@example.com',
        username: 'threader',
        password: 'a long enough password',
      }),
      'token',
    );
    questionId = field(
      await mutate(
        'question.create',
        {
          title: 'How long can a reply thread get?',
          body: 'A question body that is long enough.',
          tags: ['paging'],
        },
        token,
      ),
      'id',
    );
    const target = { targetType: 'question', targetId: questionId };
    parentBody = 'The parent of many replies';
    const parentId = field(await mutate('reply.create', { ...target, body: parentBody }, token), 'id');
    for (let i = 1; i < THREAD_PAGE_SIZE.default + beyond; i++) {
      const body = `Child reply number ${i}`;
      await mutate('reply.create', { ...target, parentId, body }, token);
      childBodies.push(body);
    }
    // A later top-level reply: after the parent's whole branch, so on the second page too.
    await mutate('reply.create', { ...target, body: 'A later top-level reply' }, token);
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the first page, then the rest under the right reply after "Show more replies"', async () => {
    await page.goto(`/questions/${questionId}`);
    const parent = page
      .getByTestId('reply')
      .filter({ has: page.locator(':scope > .reply__body', { hasText: parentBody }) });
    await parent.waitFor();
    const firstPage = childBodies.slice(0, THREAD_PAGE_SIZE.default - 1);
    await page.getByText(firstPage.at(-1) ?? '', { exact: true }).waitFor();
    expect(await shownBodies()).toEqual([parentBody, ...firstPage]);
    // The button sits inside the parent's branch, after its loaded children — where the next page goes on.
    const more = parent.getByRole('button', { name: 'Show more replies' });
    expect(await more.count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Show more replies' }).count()).toBe(1);
    await more.click();
    await page.getByText('A later top-level reply', { exact: true }).waitFor();
    expect(await shownBodies()).toEqual([parentBody, ...childBodies, 'A later top-level reply']);
    // The rest hangs under the parent; the thread is whole, so no button is left.
    expect(await parent.locator('[data-testid="reply"]').count()).toBe(childBodies.length);
    expect(await page.getByRole('button', { name: 'Show more replies' }).count()).toBe(0);
  });
});
