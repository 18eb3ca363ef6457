import { FAMOUS_QUESTION_VIEWS, POPULAR_POST_UPVOTES } from '@devflow/contract';
import { questions } from '@devflow/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestUser,
  createTestVotes,
  type TestDeps,
} from '../../testing';
import type { SessionUser } from '../../trpc/context';
import { awardBadge } from './service';

let deps: TestDeps;
let other: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps({
    rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 100_000, durationSeconds: 60 } },
  });
  other = await createTestUser(deps);
});

afterAll(async () => {
  await deps.close();
});

async function badgesOf(user: SessionUser): Promise<string[]> {
  const profile = await callerFor(deps, null).user.byUsername({ username: user.username });
  return profile.badges.map((held) => held.badge);
}

async function badgeNotices(user: SessionUser): Promise<string[]> {
  const page = await callerFor(deps, user).notification.list({ limit: 100 });
  return page.items.filter((item) => item.type === 'badge').map((item) => item.badge ?? 'none');
}

describe('badges', () => {
  it('awards the first question and the first answer once each, on the profile and as a notification', async () => {
    const user = await createTestUser(deps);
    expect(await badgesOf(user)).toEqual([]);
    const ask = (n: number) =>
      callerFor(deps, user).question.create({
        title: `How do badges work, part ${n}?`,
        body: 'A body long enough for the validation rules.',
        tags: ['badges'],
      });
    const first = await ask(1);
    await ask(2);
    const theirs = await createTestQuestion(deps, other);
    await callerFor(deps, user).answer.create({
      questionId: String(theirs.id),
      body: 'An answer with enough words.',
    });
    await callerFor(deps, user).answer.create({
      questionId: first.id,
      body: 'Answering my own question too.',
    });
    expect(await badgesOf(user)).toEqual(['first-question', 'first-answer']);
    expect(await badgeNotices(user)).toEqual(['first-answer', 'first-question']);
    const [notice] = (await callerFor(deps, user).notification.list({ limit: 1 })).items;
    expect(notice?.actor.id).toBe(String(user.id));
  });

  it('awards the first accepted answer to its author, but not for accepting your own answer', async () => {
    const [asker, answerer] = [await createTestUser(deps), await createTestUser(deps)];
    const question = await createTestQuestion(deps, asker);
    const own = await createTestAnswer(deps, asker, question);
    await callerFor(deps, asker).answer.accept({ answerId: String(own.id) });
    expect(await badgesOf(asker)).not.toContain('first-accepted-answer');
    const answer = await createTestAnswer(deps, answerer, question);
    await callerFor(deps, asker).answer.accept({ answerId: String(answer.id) });
    expect(await badgesOf(answerer)).toContain('first-accepted-answer');
    expect(await badgeNotices(answerer)).toEqual(['first-accepted-answer']);
  });

  it(`awards a popular post at ${POPULAR_POST_UPVOTES} upvotes and the 100-reputation badge when reputation reaches 100`, async () => {
    const author = await createTestUser(deps);
    const answer = await createTestAnswer(deps, author, await createTestQuestion(deps, other));
    await createTestVotes(deps, { type: 'answer', id: answer.id }, POPULAR_POST_UPVOTES - 2);
    const target = { targetType: 'answer' as const, targetId: String(answer.id) };
    await callerFor(deps, await createTestUser(deps)).reaction.set({ ...target, value: 'like' });
    // 9 upvotes: 90 reputation in the team rules, one short of each badge.
    expect(await badgesOf(author)).toEqual([]);
    await callerFor(deps, await createTestUser(deps)).reaction.set({ ...target, value: 'like' });
    expect(await badgesOf(author)).toEqual(['popular-post', 'reputation-100']);
    await callerFor(deps, await createTestUser(deps)).reaction.set({ ...target, value: 'like' });
    expect(await badgeNotices(author)).toEqual(['reputation-100', 'popular-post']);
  });

  it('awards the 1,000-reputation badge when an upvote reaches it', async () => {
    const author = await createTestUser(deps);
    const answer = await createTestAnswer(deps, author, await createTestQuestion(deps, other));
    await createTestVotes(deps, { type: 'answer', id: answer.id }, 99);
    await callerFor(deps, await createTestUser(deps)).reaction.set({
      targetType: 'answer',
      targetId: String(answer.id),
      value: 'like',
    });
    expect(await badgesOf(author)).toEqual(expect.arrayContaining(['reputation-100', 'reputation-1000']));
  });

  it(`awards a famous question at ${FAMOUS_QUESTION_VIEWS.toLocaleString('en-US')} views`, async () => {
    const author = await createTestUser(deps);
    const question = await createTestQuestion(deps, author);
    await deps.db
      .update(questions)
      .set({ viewCount: FAMOUS_QUESTION_VIEWS - 2 })
      .where(eq(questions.id, question.id));
    await callerFor(deps, await createTestUser(deps)).question.byId({ id: String(question.id) });
    expect(await badgesOf(author)).toEqual([]);
    await callerFor(deps, await createTestUser(deps)).question.byId({ id: String(question.id) });
    expect(await badgesOf(author)).toEqual(['famous-question']);
    expect(await badgeNotices(author)).toEqual(['famous-question']);
  });

  it('awardBadge awards once and notifies once, for other domains’ badges (a first upheld flag)', async () => {
    const user = await createTestUser(deps);
    const results = await deps.db.transaction(async (tx) => [
      await awardBadge(tx, user.id, 'first-upheld-flag'),
      await awardBadge(tx, user.id, 'first-upheld-flag'),
    ]);
    expect(results).toEqual([true, false]);
    expect(await badgesOf(user)).toEqual(['first-upheld-flag']);
    expect(await badgeNotices(user)).toEqual(['first-upheld-flag']);
  });

  it('awards nothing when the action that would earn it fails', async () => {
    const user = await createTestUser(deps);
    await expect(
      deps.db.transaction(async (tx) => {
        await awardBadge(tx, user.id, 'first-question');
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await badgesOf(user)).toEqual([]);
    expect(await badgeNotices(user)).toEqual([]);
  });
});
