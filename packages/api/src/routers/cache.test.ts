import type { inferProcedureInput } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../config';
import type { SessionUser } from '../context';
import type { AppRouter } from '../root';
import { cacheStatsOf } from '../services/cached';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../testing';

/**
 * The page cache never shows a stale page: after every mutation that changes a cached read (question
 * pages, first list pages, profiles), the writer and everyone else read the new state at once. Each test
 * first reads (filling the cache), then writes, then reads again — on PGlite + memory and on
 * PostgreSQL + Redis.
 */

type CreateInput = inferProcedureInput<AppRouter['question']['create']>;

let deps: TestDeps;
let author: SessionUser;
let other: SessionUser;
let moderator: SessionUser;
let counter = 0;
const tag = `cache${Date.now().toString(36)}`;

const question = (overrides: Partial<CreateInput> = {}): CreateInput => {
  counter += 1;
  return {
    title: `How do I keep cached page number ${counter} fresh?`,
    body: `Every write must show up on the next read, case ${counter}.`,
    tags: [tag],
    ...overrides,
  };
};

const as = (user: SessionUser | null) => callerFor(deps, user);
const firstPage = (sort: 'newest' | 'top' | 'unanswered' | 'active' = 'newest', withTag = false) =>
  as(null).question.list({ sort, ...(withTag ? { tag } : {}) });

beforeAll(async () => {
  deps = await createTestDeps({
    rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 100_000, durationSeconds: 60 } },
  });
  author = await createTestUser(deps);
  other = await createTestUser(deps);
  moderator = await createTestUser(deps, { role: 'moderator' });
});
afterAll(() => deps.close());

describe('question pages', () => {
  it('serves a repeated read from the cache and counts the hit', async () => {
    const q = await as(author).question.create(question());
    const before = { ...cacheStatsOf(deps.cache).question };
    await as(null).question.byId({ id: q.id });
    await as(null).question.byId({ id: q.id });
    const after = cacheStatsOf(deps.cache).question;
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(1);
    expect(after.misses - before.misses).toBeGreaterThanOrEqual(1);
  });

  it('shows an edit to its writer and to everyone else right away', async () => {
    const q = await as(author).question.create(question());
    await as(other).question.byId({ id: q.id });
    await as(author).question.byId({ id: q.id });
    await as(author).question.update({ id: q.id, title: 'An edited title that everyone must see' });
    expect((await as(author).question.byId({ id: q.id })).title).toBe(
      'An edited title that everyone must see',
    );
    expect((await as(other).question.byId({ id: q.id })).title).toBe(
      'An edited title that everyone must see',
    );
  });

  it('hides a deleted question at once and shows it again once restored', async () => {
    const q = await as(author).question.create(question());
    await as(other).question.byId({ id: q.id });
    await as(author).question.delete({ id: q.id });
    await expect(as(other).question.byId({ id: q.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await as(moderator).question.restore({ id: q.id });
    expect((await as(other).question.byId({ id: q.id })).id).toBe(q.id);
  });

  it('shows new, edited, deleted and restored answers at once', async () => {
    const q = await as(author).question.create(question());
    await as(null).question.byId({ id: q.id });
    const answer = await as(other).answer.create({
      questionId: q.id,
      body: 'Bump a version counter after commit.',
    });
    let page = await as(null).question.byId({ id: q.id });
    expect(page.answers.map((a) => a.id)).toEqual([answer.id]);
    expect(page.answerCount).toBe(1);

    await as(other).answer.update({ id: answer.id, body: 'Bump the version counter after the commit.' });
    page = await as(null).question.byId({ id: q.id });
    expect(page.answers[0]?.body).toBe('Bump the version counter after the commit.');

    await as(other).answer.delete({ id: answer.id });
    page = await as(null).question.byId({ id: q.id });
    expect(page.answers).toEqual([]);

    await as(moderator).answer.restore({ id: answer.id });
    page = await as(null).question.byId({ id: q.id });
    expect(page.answers.map((a) => a.id)).toEqual([answer.id]);
  });

  it('shows an accepted answer at once, and its move to another answer', async () => {
    const q = await as(author).question.create(question());
    const first = await as(other).answer.create({
      questionId: q.id,
      body: 'First answer with enough words.',
    });
    const second = await as(moderator).answer.create({ questionId: q.id, body: 'Second answer, also fine.' });
    await as(null).question.byId({ id: q.id });
    await as(author).answer.accept({ answerId: first.id });
    let page = await as(null).question.byId({ id: q.id });
    expect(page.acceptedAnswerId).toBe(first.id);
    expect(page.answers.find((a) => a.id === first.id)?.accepted).toBe(true);
    await as(author).answer.accept({ answerId: second.id });
    page = await as(null).question.byId({ id: q.id });
    expect(page.acceptedAnswerId).toBe(second.id);
  });

  it('counts one view per viewer, never the author, and shows it at once', async () => {
    const q = await as(author).question.create(question());
    expect((await as(other).question.byId({ id: q.id })).viewCount).toBe(1);
    expect((await as(other).question.byId({ id: q.id })).viewCount).toBe(1);
    expect((await as(moderator).question.byId({ id: q.id })).viewCount).toBe(2);
    expect((await as(author).question.byId({ id: q.id })).viewCount).toBe(2);
  });
});

describe('first pages of lists', () => {
  it('shows a new question on the first page of its lists at once', async () => {
    await firstPage('newest');
    await firstPage('newest', true);
    await firstPage('unanswered');
    const q = await as(author).question.create(question());
    expect((await firstPage('newest')).items[0]?.id).toBe(q.id);
    expect((await firstPage('newest', true)).items[0]?.id).toBe(q.id);
    expect((await firstPage('unanswered')).items[0]?.id).toBe(q.id);
  });

  it('moves a question out of "unanswered" and updates its answer count once answered', async () => {
    const q = await as(author).question.create(question());
    await firstPage('unanswered');
    await firstPage('newest', true);
    await as(other).answer.create({ questionId: q.id, body: 'Now it has an answer.' });
    expect((await firstPage('unanswered')).items.map((i) => i.id)).not.toContain(q.id);
    expect((await firstPage('newest', true)).items.find((i) => i.id === q.id)?.answerCount).toBe(1);
  });

  it('takes a deleted question off the first page and puts it back when restored', async () => {
    const q = await as(author).question.create(question());
    await firstPage('newest');
    await as(author).question.delete({ id: q.id });
    expect((await firstPage('newest')).items.map((i) => i.id)).not.toContain(q.id);
    await as(moderator).question.restore({ id: q.id });
    expect((await firstPage('newest')).items.map((i) => i.id)).toContain(q.id);
  });

  it('shows an edited title and moved tags on the first pages at once', async () => {
    const q = await as(author).question.create(question());
    const moved = `${tag}x`;
    await firstPage('newest', true);
    await as(null).question.list({ sort: 'newest', tag: moved });
    await as(author).question.update({
      id: q.id,
      title: 'A retitled question on the first page',
      tags: [moved],
    });
    expect((await firstPage('newest', true)).items.map((i) => i.id)).not.toContain(q.id);
    const movedPage = await as(null).question.list({ sort: 'newest', tag: moved });
    expect(movedPage.items[0]).toMatchObject({ id: q.id, title: 'A retitled question on the first page' });
  });

  it('shows the accepted flag at once', async () => {
    const q = await as(author).question.create(question());
    const answer = await as(other).answer.create({ questionId: q.id, body: 'The answer to accept here.' });
    await firstPage('newest', true);
    await as(author).answer.accept({ answerId: answer.id });
    expect((await firstPage('newest', true)).items.find((i) => i.id === q.id)?.hasAcceptedAnswer).toBe(true);
  });
});
