import {
  ALREADY_FLAGGED_MESSAGE,
  CLOSE_REASON_LABELS,
  closeVoteTally,
  EDIT_SUGGESTED_MESSAGE,
  FLAG_REASON_LABELS,
  QUESTION_CLOSED_MESSAGE,
  REVIEW_QUEUE_EMPTY,
  reopenVoteCount,
  STALE_APPROVAL_REFUSED,
  SUGGESTION_CHANGES_NOTHING,
} from '@devflow/contract/messages';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession, mutate, register } from './api';
import { launchBrowser } from './browser';
import { type RunningServer, startServer } from './server';

/**
 * Moderation in a real browser, as its users see it: similar questions under the ask form's title; a user
 * flags an answer from its menu (and a second flag is refused); the moderator finds the flag on the review
 * page and dismisses it; a suggested edit (made stale by its author's own edit) is approved against the
 * current text and changes the answer on the question page; a user without the edit privilege suggests an
 * edit from the question's page (the moderator keeps the plain Edit) and the moderator approves it on the
 * review page; the moderator closes a question as a duplicate and reopens it, while the other user sees
 * the banner and no answer form; a user given the close-vote privilege casts a vote and reads the tally,
 * and the moderator closes the question from the close-votes queue; the user's reopen vote waits in the
 * same queue, and the moderator reopens from there. HTTP helpers set up accounts, posts and settings; the
 * browser does what is tested.
 */

let server: RunningServer;
let browser: Browser;
let modContext: BrowserContext;
let userContext: BrowserContext;
let mod: Page;
let user: Page;
let modToken = '';
let userToken = '';
let writerToken = '';
let originalId = '';
let duplicateId = '';
let answerId = '';

/** Registers an account over HTTP and signs the browser context in with its session cookie. */
async function signedIn(context: BrowserContext, username: string): Promise<string> {
  const token = await register(server.url, username);
  await addSession(context, server.url, token);
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
    modToken = token;
    userToken = await signedIn(userContext, 'usera');
    // A third account writes the answer the others flag and edit; it never opens a browser.
    writerToken = await signedIn(await browser.newContext(options), 'writera');
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
    answerId = String(
      (
        await mutate(
          server.url,
          'answer.create',
          { questionId: originalId, body: 'Use serde with derive macros; it parses JSON fast enough.' },
          writerToken,
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
    const link = similar.getByRole('link', { name: 'How do I parse JSON quickly in Rust?' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/questions/${originalId}`);
    expect(
      await similar.getByRole('link', { name: 'Fastest JSON parsing in Rust?' }).getAttribute('href'),
    ).toBe(`/questions/${duplicateId}`);
  });

  it('flags another user’s answer from its menu, and refuses a second flag with the server’s message', async () => {
    await user.goto(`/questions/${originalId}`);
    const answer = user.getByRole('article', { name: 'Answer by writera' });
    await answer.locator('summary', { hasText: 'Flag' }).click();
    const form = answer.getByRole('form', { name: 'Flag this answer' });
    await form.getByRole('radio', { name: FLAG_REASON_LABELS['needs-moderator'] }).check();
    await form.getByLabel('Note for the reviewers').fill('The crate is serde_json, not serde.');
    await form.getByRole('button', { name: 'Flag answer' }).click();
    await answer.getByRole('status').filter({ hasText: 'Thanks, a reviewer will look at it.' }).waitFor();

    await user.reload();
    await answer.locator('summary', { hasText: 'Flag' }).click();
    await form.getByRole('button', { name: 'Flag answer' }).click();
    await answer.getByRole('alert').filter({ hasText: ALREADY_FLAGGED_MESSAGE }).waitFor();
    expect(await answer.getByRole('status').count()).toBe(0);
  });

  it('shows the flag in the moderator’s flags queue, and dismissing it takes it out of the queue', async () => {
    await mod.goto('/');
    await mod.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review' }).click();
    await mod.getByRole('heading', { level: 1, name: 'Review' }).waitFor();
    expect(await mod.getByRole('tab', { name: 'Flags' }).getAttribute('aria-selected')).toBe('true');
    const item = mod.getByTestId('review-item').filter({ hasText: 'The crate is serde_json, not serde.' });
    await item.waitFor();
    expect(await item.getByRole('list', { name: 'Flags' }).textContent()).toContain(
      `1 × ${FLAG_REASON_LABELS['needs-moderator']}`,
    );
    expect(
      await item.getByRole('link', { name: 'How do I parse JSON quickly in Rust?' }).getAttribute('href'),
    ).toBe(`/questions/${originalId}`);
    await item.getByRole('button', { name: 'Dismiss flags' }).click();
    await mod.getByText(REVIEW_QUEUE_EMPTY.flags).waitFor();
    expect(await item.count()).toBe(0);

    // The decision stays visible to moderators: what, by whom.
    await mod.getByRole('tab', { name: 'Decided' }).click();
    const decided = mod.getByTestId('review-item').filter({ hasText: 'The crate is serde_json, not serde.' });
    const decision = decided.getByTestId('decision');
    expect(await decision.textContent()).toMatch(/^Decided: flags dismissed by /);
    await decision.getByRole('link', { name: 'moda' }).waitFor();
  });

  it('approves a stale suggested edit against the current text, and the answer reads as suggested', async () => {
    const suggested = 'Use serde_json with derive macros; it parses JSON quickly.';
    await mutate(
      server.url,
      'edit.suggest',
      { targetType: 'answer', targetId: answerId, body: suggested, comment: 'Name the right crate' },
      userToken,
    );
    // The author edits the answer after the suggestion was made: the suggestion is now stale.
    await mutate(
      server.url,
      'answer.update',
      { id: answerId, body: 'Use serde with derive macros; it parses JSON fast enough. Edited.' },
      writerToken,
    );
    await mod.goto('/review');
    await mod.getByRole('tab', { name: 'Suggested edits' }).click();
    const item = mod.getByTestId('review-item').filter({ hasText: 'Name the right crate' });
    await item.waitFor();
    await item.getByTestId('stale-suggestion').waitFor();
    const diff = item.getByTestId('diff');
    expect(await diff.locator('del').allInnerTexts()).toContain('serde');
    expect(await diff.locator('ins').allInnerTexts()).toContain('serde_json');
    // Approving replaces the current text: the author's later words show as removed.
    expect((await diff.locator('del').allInnerTexts()).join(' ')).toContain('Edited.');

    await item.getByRole('button', { name: 'Approve', exact: true }).click();
    await item.getByRole('alert').filter({ hasText: STALE_APPROVAL_REFUSED }).waitFor();
    await item.getByRole('button', { name: 'Approve against the current text' }).click();
    await mod.getByText(REVIEW_QUEUE_EMPTY['suggested-edits']).waitFor();

    await user.goto(`/questions/${originalId}`);
    const answer = user.getByRole('article', { name: 'Answer by writera' });
    await answer.getByText(suggested).waitFor();
    expect(await answer.textContent()).not.toContain('Edited.');
  });

  it('lets a user without the edit privilege suggest an edit from the page; the moderator approves it on /review and the question reads as suggested', async () => {
    // The moderator edits others' posts directly; the user (team preset) suggests instead.
    await mod.goto(`/questions/${originalId}`);
    const modAnswer = mod.getByRole('article', { name: 'Answer by writera' });
    await modAnswer.getByRole('button', { name: 'Edit', exact: true }).waitFor();
    expect(await modAnswer.getByRole('button', { name: 'Suggest an edit' }).count()).toBe(0);

    await user.goto(`/questions/${originalId}`);
    const question = user.getByTestId('question');
    await question.getByRole('link', { name: 'Suggest an edit' }).waitFor();
    expect(await question.getByRole('link', { name: 'Edit', exact: true }).count()).toBe(0);
    // A suggestion that changes nothing is refused with the server's message.
    const answer = user.getByRole('article', { name: 'Answer by writera' });
    await answer.getByRole('button', { name: 'Suggest an edit' }).click();
    await answer.getByRole('button', { name: 'Suggest this edit' }).click();
    await answer.getByRole('alert').filter({ hasText: SUGGESTION_CHANGES_NOTHING }).waitFor();
    await answer.getByRole('button', { name: 'Cancel' }).click();

    await question.getByRole('link', { name: 'Suggest an edit' }).click();
    await user.getByRole('heading', { level: 1, name: 'Suggest an edit' }).waitFor();
    const body = user.getByRole('textbox', { name: /^Body/ });
    const suggested = 'A question body that is long enough for the rules, and names serde_json.';
    await body.fill(suggested);
    await user.getByLabel(/^Edit summary/).fill('Mention the crate');
    await user.getByRole('button', { name: 'Suggest this edit' }).click();
    await user.getByRole('status').filter({ hasText: EDIT_SUGGESTED_MESSAGE }).waitFor();
    await user.getByRole('link', { name: 'Back to the question' }).click();
    await user.getByRole('heading', { level: 1, name: 'How do I parse JSON quickly in Rust?' }).waitFor();
    expect(await user.getByTestId('question').textContent()).not.toContain('names serde_json');

    await mod.goto('/review');
    await mod.getByRole('tab', { name: 'Suggested edits' }).click();
    const item = mod.getByTestId('review-item').filter({ hasText: 'Mention the crate' });
    await item.waitFor();
    expect((await item.getByTestId('diff').locator('ins').allInnerTexts()).join(' ')).toContain(
      'names serde_json.',
    );
    await item.getByRole('button', { name: 'Approve', exact: true }).click();
    await mod.getByText(REVIEW_QUEUE_EMPTY['suggested-edits']).waitFor();

    await user.reload();
    await user.getByTestId('question').getByText(suggested).waitFor();
  });

  it('closes a question as a duplicate from its page; the other user sees the banner and cannot answer until it is reopened', async () => {
    await mod.goto(`/questions/${duplicateId}`);
    await mod.locator('summary', { hasText: 'Close' }).click();
    const form = mod.getByRole('form', { name: 'Close this question' });
    await form.getByRole('radio', { name: CLOSE_REASON_LABELS.duplicate }).check();
    await form.getByLabel('Original question id').fill(originalId);
    await form.getByRole('button', { name: 'Close question' }).click();
    await mod.getByTestId('closed-banner').waitFor();

    await user.goto(`/questions/${duplicateId}`);
    const banner = user.getByTestId('closed-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(CLOSE_REASON_LABELS.duplicate);
    expect(await banner.textContent()).toContain(QUESTION_CLOSED_MESSAGE);
    expect(
      await banner.getByRole('link', { name: 'How do I parse JSON quickly in Rust?' }).getAttribute('href'),
    ).toBe(`/questions/${originalId}`);
    expect(await user.getByRole('heading', { name: 'Your answer' }).count()).toBe(0);

    await mod.getByRole('button', { name: 'Reopen' }).click();
    await mod.getByTestId('closed-banner').waitFor({ state: 'detached' });
    await user.reload();
    await user.getByRole('heading', { name: 'Your answer' }).waitFor();
    expect(await user.getByTestId('closed-banner').count()).toBe(0);
  });

  it('lets a user with the close-vote privilege vote from the page and read the tally (and a reviewer find the review page); the moderator closes it from the queue, and reopens it from there after a reopen vote', async () => {
    // Close votes and review need 3,000 and 500 reputation under the community preset; this instance
    // grants them to everyone.
    await mutate(
      server.url,
      'admin.settings.set',
      { privilegePreset: 'community', thresholds: { closeVotes: 0, review: 0 } },
      modToken,
    );
    await user.goto(`/questions/${originalId}`);
    // The review privilege alone opens the review page from the header.
    await user.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review' }).waitFor();
    await user.locator('summary', { hasText: 'Vote to close' }).click();
    const form = user.getByRole('form', { name: 'Close this question' });
    await form.getByRole('radio', { name: CLOSE_REASON_LABELS['opinion-based'] }).check();
    await form.getByRole('button', { name: 'Cast a close vote' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: closeVoteTally('close', 1, 3) })
      .waitFor();
    expect(await user.getByTestId('closed-banner').count()).toBe(0);

    await mod.goto('/review');
    await mod.getByRole('tab', { name: 'Close votes' }).click();
    const item = mod.getByTestId('review-item').filter({ hasText: 'How do I parse JSON quickly in Rust?' });
    expect(await item.getByRole('list', { name: 'Close votes' }).textContent()).toContain(
      `1 × ${CLOSE_REASON_LABELS['opinion-based']}`,
    );
    await item.getByRole('button', { name: 'Close question' }).click();
    await mod.getByText(REVIEW_QUEUE_EMPTY['close-votes']).waitFor();

    await user.reload();
    expect(await user.getByTestId('closed-banner').textContent()).toContain(
      CLOSE_REASON_LABELS['opinion-based'],
    );
    await user.getByRole('button', { name: 'Vote to reopen' }).click();
    await user
      .getByRole('status')
      .filter({ hasText: closeVoteTally('reopen', 1, 3) })
      .waitFor();

    // The reopen vote waits in the same queue, and the moderator reopens the question from there.
    await mod.goto('/review');
    await mod.getByRole('tab', { name: 'Close votes' }).click();
    const reopening = mod
      .getByTestId('review-item')
      .filter({ hasText: 'How do I parse JSON quickly in Rust?' });
    expect(await reopening.getByTestId('reopen-votes').textContent()).toBe(reopenVoteCount(1));
    await reopening.getByRole('button', { name: 'Leave closed' }).waitFor();
    await reopening.getByRole('button', { name: 'Reopen question' }).click();
    await mod.getByText(REVIEW_QUEUE_EMPTY['close-votes']).waitFor();
    await user.reload();
    await user.getByRole('heading', { name: 'Your answer' }).waitFor();
    expect(await user.getByTestId('closed-banner').count()).toBe(0);
  });
});
