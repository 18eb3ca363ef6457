import type { inferProcedureInput } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import { cacheStatsOf } from '../../platform/cache/cached';
import type { AppRouter } from '../../root';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';

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

  it('shows reaction counters at once and each viewer only their own reaction', async () => {
    const q = await as(author).question.create(question());
    const answer = await as(author).answer.create({ questionId: q.id, body: 'An answer people will like.' });
    await as(null).question.byId({ id: q.id });
    await as(other).reaction.set({ targetType: 'question', targetId: q.id, value: 'like' });
    await as(other).reaction.set({ targetType: 'answer', targetId: answer.id, value: 'dislike' });

    const mine = await as(other).question.byId({ id: q.id });
    expect(mine).toMatchObject({ likes: 1, score: 1, myReaction: 'like' });
    expect(mine.answers[0]).toMatchObject({ dislikes: 1, myReaction: 'dislike' });
    // The page was cached while `other` had reacted: nobody else sees their reaction as theirs.
    const theirs = await as(moderator).question.byId({ id: q.id });
    expect(theirs).toMatchObject({ likes: 1, myReaction: null });
    const anonymous = await as(null).question.byId({ id: q.id });
    expect(anonymous.myReaction).toBeNull();
    expect(anonymous.answers[0]?.myReaction).toBeNull();

    await as(other).reaction.set({ targetType: 'question', targetId: q.id, value: null });
    expect(await as(other).question.byId({ id: q.id })).toMatchObject({ likes: 0, myReaction: null });
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

  it('reorders "top" and shows the new score at once after a reaction', async () => {
    const q = await as(author).question.create(question());
    await as(null).question.list({ sort: 'top', tag });
    await as(other).reaction.set({ targetType: 'question', targetId: q.id, value: 'like' });
    await as(moderator).reaction.set({ targetType: 'question', targetId: q.id, value: 'like' });
    const top = await as(null).question.list({ sort: 'top', tag });
    expect(top.items[0]).toMatchObject({ id: q.id, score: 2 });
  });

  it('shows the accepted flag at once', async () => {
    const q = await as(author).question.create(question());
    const answer = await as(other).answer.create({ questionId: q.id, body: 'The answer to accept here.' });
    await firstPage('newest', true);
    await as(author).answer.accept({ answerId: answer.id });
    expect((await firstPage('newest', true)).items.find((i) => i.id === q.id)?.hasAcceptedAnswer).toBe(true);
  });
});

describe('profiles', () => {
  const profile = (user: SessionUser) => as(null).user.byUsername({ username: user.username });

  it('serves a repeated profile read from the cache', async () => {
    await profile(other); // learns the id of the name
    await profile(other); // caches the profile
    const before = { ...cacheStatsOf(deps.cache).profile };
    await profile(other);
    await profile(other);
    expect(cacheStatsOf(deps.cache).profile.hits - before.hits).toBe(2);
  });

  it('shows profile edits at once, on the profile and next to every post', async () => {
    const q = await as(other).question.create(question());
    await profile(other);
    await as(null).question.byId({ id: q.id });
    await firstPage('newest', true);
    await as(other).user.updateProfile({ displayName: 'Renamed Person', bio: 'A new bio' });
    expect(await as(other).user.byUsername({ username: other.username })).toMatchObject({
      displayName: 'Renamed Person',
      bio: 'A new bio',
    });
    expect((await as(null).question.byId({ id: q.id })).author.displayName).toBe('Renamed Person');
    expect((await firstPage('newest', true)).items.find((i) => i.id === q.id)?.author.displayName).toBe(
      'Renamed Person',
    );
  });

  it('shows follower and following counts at once after follow and unfollow', async () => {
    await profile(author);
    await profile(moderator);
    await as(moderator).follow.follow({ userId: String(author.id) });
    expect((await profile(author)).followers).toBe(1);
    expect((await profile(moderator)).following).toBe(1);
    await as(moderator).follow.unfollow({ userId: String(author.id) });
    expect((await profile(author)).followers).toBe(0);
    expect((await profile(moderator)).following).toBe(0);
  });

  it('shows new post counts and reputation at once', async () => {
    const writer = await createTestUser(deps);
    const before = await profile(writer);
    const q = await as(writer).question.create(question());
    const answer = await as(writer).answer.create({
      questionId: q.id,
      body: 'Answering my own question here.',
    });
    expect(await profile(writer)).toMatchObject({
      questions: before.questions + 1,
      answers: before.answers + 1,
    });
    await as(other).reaction.set({ targetType: 'answer', targetId: answer.id, value: 'like' });
    expect((await profile(writer)).reputation).toBe(before.reputation + 10);
    await as(other).reaction.set({ targetType: 'question', targetId: q.id, value: 'like' });
    expect((await profile(writer)).reputation).toBe(before.reputation + 20);
    await as(writer).question.delete({ id: q.id });
    expect((await profile(writer)).questions).toBe(before.questions);
  });

  it("shows an accepted answer in its author's reputation, and its move to another answer", async () => {
    const first = await createTestUser(deps);
    const second = await createTestUser(deps);
    const q = await as(author).question.create(question());
    const a1 = await as(first).answer.create({ questionId: q.id, body: 'The first answer to accept.' });
    const a2 = await as(second).answer.create({ questionId: q.id, body: 'The second answer to accept.' });
    await as(author).answer.accept({ answerId: a1.id });
    expect((await profile(first)).reputation).toBe(15);
    await profile(second);
    await as(author).answer.accept({ answerId: a2.id });
    expect((await profile(first)).reputation).toBe(0);
    expect((await profile(second)).reputation).toBe(15);
  });

  it('shows a role change at once', async () => {
    const admin = await createTestUser(deps, { role: 'admin' });
    const target = await createTestUser(deps);
    expect((await profile(target)).role).toBe('user');
    await as(admin).user.setRole({ userId: String(target.id), role: 'moderator' });
    expect((await profile(target)).role).toBe('moderator');
  });
});
