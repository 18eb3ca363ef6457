import { writeSiteSettings } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';

/**
 * Flags and the one visibility rule: a post with `flagsToHide` spam/rude flags from distinct users is
 * hidden pending review in every read (byId, lists, search, similar, feed, notifications, threads and the
 * page cache) except for moderators, who see it marked hidden; the flags queue decides it.
 */

let deps: TestDeps;
let author: SessionUser;
let moderator: SessionUser;
let admin: SessionUser;
let counter = 0;
const word = `zebrafinch${Date.now().toString(36)}`;

const as = (user: SessionUser | null) => callerFor(deps, user);
const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof TRPCError ? error.code : `thrown ${String(error)}`),
  );

async function ask(by: SessionUser = author, title?: string) {
  counter += 1;
  return as(by).question.create({
    title: title ?? `How does the ${word} compiler handle case ${counter}?`,
    body: `I keep running into this ${word} problem, case number ${counter}, with details.`,
    tags: ['moderation'],
  });
}

/** `n` new users each raise a flag with `reason` on the post. */
async function flagBy(
  n: number,
  target: { targetType: 'question' | 'answer' | 'reply'; targetId: string },
  reason: 'spam' | 'rude' | 'off-topic' = 'spam',
) {
  const flags = [];
  for (let i = 0; i < n; i += 1) {
    flags.push(await as(await createTestUser(deps)).flag.create({ ...target, reason }));
  }
  return flags;
}

beforeAll(async () => {
  deps = await createTestDeps({
    rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 100_000, durationSeconds: 60 } },
  });
  author = await createTestUser(deps);
  moderator = await createTestUser(deps, { role: 'moderator' });
  admin = await createTestUser(deps, { role: 'admin' });
});
afterAll(() => deps.close());

describe('flag.create', () => {
  it('records a flag and puts the post in the flags queue', async () => {
    const q = await ask();
    const flagger = await createTestUser(deps);
    const flag = await as(flagger).flag.create({
      targetType: 'question',
      targetId: q.id,
      reason: 'off-topic',
      note: 'Not about programming.',
    });
    expect(flag).toMatchObject({
      reason: 'off-topic',
      status: 'open',
      postHidden: false,
      note: 'Not about programming.',
    });
    const queue = await as(moderator).review.list({ queue: 'flags', limit: 100 });
    const item = queue.items.find((i) => i.target.id === q.id);
    expect(item?.flags).toEqual([{ reason: 'off-topic', count: 1, notes: ['Not about programming.'] }]);
    expect(item?.actions).toEqual(['dismiss', 'delete']);
  });

  it('refuses a second open flag by the same user (CONFLICT) and flags on your own post (FORBIDDEN)', async () => {
    const q = await ask();
    const flagger = await createTestUser(deps);
    await as(flagger).flag.create({ targetType: 'question', targetId: q.id, reason: 'rude' });
    expect(
      await code(as(flagger).flag.create({ targetType: 'question', targetId: q.id, reason: 'spam' })),
    ).toBe('CONFLICT');
    expect(
      await code(as(author).flag.create({ targetType: 'question', targetId: q.id, reason: 'spam' })),
    ).toBe('FORBIDDEN');
    expect(
      await code(as(flagger).flag.create({ targetType: 'question', targetId: '999999999', reason: 'spam' })),
    ).toBe('NOT_FOUND');
  });

  it('does not hide a post for off-topic flags, nor for fewer spam flags than the setting', async () => {
    const q = await ask();
    await flagBy(3, { targetType: 'question', targetId: q.id }, 'off-topic');
    await flagBy(2, { targetType: 'question', targetId: q.id }, 'spam');
    expect((await as(null).question.byId({ id: q.id })).hidden).toBe(false);
  });

  it('obeys flagsToHide from the site settings', async () => {
    await writeSiteSettings(deps.db, { settings: { flagsToHide: 1 }, updatedBy: admin.id });
    try {
      const q = await ask();
      const [flag] = await flagBy(1, { targetType: 'question', targetId: q.id }, 'rude');
      expect(flag?.postHidden).toBe(true);
      expect(await code(as(null).question.byId({ id: q.id }))).toBe('NOT_FOUND');
    } finally {
      await writeSiteSettings(deps.db, { settings: {}, updatedBy: admin.id });
    }
  });
});

describe('a hidden question', () => {
  it('is hidden from byId (page cache too), lists, search, similar, feed and notifications; moderators see it marked', async () => {
    const follower = await createTestUser(deps);
    await as(follower).follow.follow({ userId: String(author.id) });
    // Watchers meet the question (tag) and its answer (question) in their feeds too.
    const q = await ask(author, `Why does ${word} segfault on startup sometimes?`);
    const tagWatcher = await createTestUser(deps);
    await as(tagWatcher).watch.tag({ tag: 'moderation' });
    const questionWatcher = await createTestUser(deps);
    await as(questionWatcher).watch.question({ questionId: q.id });
    const answerer = await createTestUser(deps);
    await as(answerer).answer.create({
      questionId: q.id,
      body: 'Check the stack size of the main thread first.',
    });
    const feedOf = async (user: SessionUser) =>
      (await as(user).feed.list({ limit: 100 })).items.map((i) => i.questionId);
    expect(await feedOf(tagWatcher)).toContain(q.id);
    expect(await feedOf(questionWatcher)).toContain(q.id);
    // Fill the caches first: the page and the first list page.
    expect((await as(null).question.byId({ id: q.id })).hidden).toBe(false);
    expect((await as(null).question.list({ sort: 'newest' })).items.map((i) => i.id)).toContain(q.id);
    expect((await as(author).notification.list({})).items.some((n) => n.questionTitle === q.title)).toBe(
      true,
    );

    const flags = await flagBy(3, { targetType: 'question', targetId: q.id });
    expect(flags.map((f) => f.postHidden)).toEqual([false, false, true]);

    expect(await code(as(null).question.byId({ id: q.id }))).toBe('NOT_FOUND');
    expect(await code(as(follower).question.byId({ id: q.id }))).toBe('NOT_FOUND');
    expect((await as(null).question.list({ sort: 'newest' })).items.map((i) => i.id)).not.toContain(q.id);
    expect(
      (await as(null).question.list({ sort: 'newest', tag: 'moderation', limit: 100 })).items.map(
        (i) => i.id,
      ),
    ).not.toContain(q.id);
    expect((await as(null).question.search({ q: 'segfault startup' })).items.map((i) => i.id)).not.toContain(
      q.id,
    );
    expect(
      (await as(null).question.similar({ title: 'segfault on startup' })).map((i) => i.id),
    ).not.toContain(q.id);
    expect((await as(follower).feed.list({})).items.map((i) => i.questionId)).not.toContain(q.id);
    expect(await feedOf(tagWatcher)).not.toContain(q.id);
    expect(await feedOf(questionWatcher)).not.toContain(q.id);
    const notes = await as(author).notification.list({});
    expect(notes.items.some((n) => n.questionTitle === q.title)).toBe(false);
    expect(
      await code(as(answerer).answer.create({ questionId: q.id, body: 'Another answer with enough words.' })),
    ).toBe('NOT_FOUND');

    const seen = await as(moderator).question.byId({ id: q.id });
    expect(seen).toMatchObject({ id: q.id, hidden: true, deleted: false });
  });

  it('comes back everywhere when a reviewer restores it, and the decision is recorded', async () => {
    const q = await ask(author, `Where does ${word} keep its lockfile on Windows?`);
    await as(null).question.byId({ id: q.id });
    await flagBy(3, { targetType: 'question', targetId: q.id }, 'rude');
    const item = (await as(moderator).review.list({ queue: 'flags', limit: 100 })).items.find(
      (i) => i.target.id === q.id,
    );
    expect(item?.target.hidden).toBe(true);
    expect(item?.actions).toEqual(['restore', 'delete']);
    if (!item) throw new Error('no item');
    expect(await code(as(moderator).review.resolve({ id: item.id, action: 'approve' }))).toBe('BAD_REQUEST');
    const decided = await as(moderator).review.resolve({ id: item.id, action: 'restore' });
    expect(decided.decision).toMatchObject({ action: 'restore', by: { id: String(moderator.id) } });
    expect(decided.actions).toEqual([]);
    expect((await as(null).question.byId({ id: q.id })).hidden).toBe(false);
    expect((await as(null).question.search({ q: 'lockfile windows' })).items.map((i) => i.id)).toContain(
      q.id,
    );
    expect(await code(as(moderator).review.resolve({ id: item.id, action: 'restore' }))).toBe('CONFLICT');
    const history = await as(moderator).review.list({ state: 'resolved', limit: 100 });
    expect(history.items.find((i) => i.id === item.id)?.decision?.action).toBe('restore');
  });

  it('is deleted when a moderator upholds the flags, and each flagger earns the Citizen badge', async () => {
    const q = await ask();
    const flaggers = [await createTestUser(deps), await createTestUser(deps), await createTestUser(deps)];
    for (const flagger of flaggers) {
      await as(flagger).flag.create({ targetType: 'question', targetId: q.id, reason: 'spam' });
    }
    const badgesOf = async (username: string) =>
      (await as(null).user.byUsername({ username })).badges.map((held) => held.badge);
    expect(await badgesOf(flaggers[0]?.username ?? '')).not.toContain('first-upheld-flag');
    const item = (await as(moderator).review.list({ queue: 'flags', limit: 100 })).items.find(
      (i) => i.target.id === q.id,
    );
    if (!item) throw new Error('no item');
    const decided = await as(moderator).review.resolve({ id: item.id, action: 'delete' });
    expect(decided.target).toMatchObject({ deleted: true, hidden: false });
    expect((await as(moderator).question.byId({ id: q.id })).deleted).toBe(true);
    expect(await code(as(null).question.byId({ id: q.id }))).toBe('NOT_FOUND');
    for (const flagger of flaggers) expect(await badgesOf(flagger.username)).toContain('first-upheld-flag');
  });
});

describe('hidden answers and replies', () => {
  it('leaves a hidden answer out of its question for everyone but moderators', async () => {
    const q = await ask();
    const a = await as(await createTestUser(deps)).answer.create({
      questionId: q.id,
      body: 'Buy cheap watches at example.com now.',
    });
    await as(null).question.byId({ id: q.id });
    await flagBy(3, { targetType: 'answer', targetId: a.id });
    expect((await as(null).question.byId({ id: q.id })).answers.map((x) => x.id)).not.toContain(a.id);
    const forModerator = await as(moderator).question.byId({ id: q.id });
    expect(forModerator.answers.find((x) => x.id === a.id)).toMatchObject({ hidden: true });
  });

  it('shows a hidden reply as a tombstone, and to moderators with its text, marked hidden', async () => {
    const q = await ask();
    const r = await as(await createTestUser(deps)).reply.create({
      targetType: 'question',
      targetId: q.id,
      body: 'You are all idiots.',
    });
    await flagBy(3, { targetType: 'reply', targetId: r.id }, 'rude');
    const thread = await as(null).reply.thread({ targetType: 'question', targetId: q.id });
    expect(thread.items.find((x) => x.id === r.id)).toMatchObject({ deleted: true, body: '', hidden: false });
    const forModerator = await as(moderator).reply.thread({ targetType: 'question', targetId: q.id });
    expect(forModerator.items.find((x) => x.id === r.id)).toMatchObject({
      deleted: false,
      hidden: true,
      body: 'You are all idiots.',
    });
  });
});

describe('review.list', () => {
  it('is for moderators and users with the review privilege, and pages with a cursor', async () => {
    const user = await createTestUser(deps);
    expect(await code(as(user).review.list({}))).toBe('FORBIDDEN');
    expect(await code(as(null).review.list({}))).toBe('UNAUTHORIZED');
    await writeSiteSettings(deps.db, { settings: { thresholds: { review: 0 } }, updatedBy: admin.id });
    try {
      const first = await as(user).review.list({ limit: 1 });
      expect(first.items).toHaveLength(1);
      expect(first.nextCursor).not.toBeNull();
      const second = await as(user).review.list({ limit: 1, cursor: first.nextCursor });
      expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
      // Reviewers without moderation rights may not delete posts.
      expect(first.items[0]?.actions).not.toContain('delete');
    } finally {
      await writeSiteSettings(deps.db, { settings: {}, updatedBy: admin.id });
    }
    expect(await code(as(user).review.list({ cursor: 'forged' }))).toBe('FORBIDDEN');
    expect(await code(as(moderator).review.list({ cursor: 'forged' }))).toBe('BAD_REQUEST');
  });

  it('queues a user’s first post, and only the first', async () => {
    const newcomer = await createTestUser(deps);
    const q = await ask(newcomer);
    await ask(newcomer);
    const queue = await as(moderator).review.list({ queue: 'first-posts', limit: 100 });
    const mine = queue.items.filter((i) => i.target.author?.id === String(newcomer.id));
    expect(mine.map((i) => i.target.id)).toEqual([q.id]);
    expect(mine[0]?.actions).toEqual(['approve', 'delete']);
    const decided = await as(moderator).review.resolve({ id: mine[0]?.id ?? '0', action: 'approve' });
    expect(decided.decision?.action).toBe('approve');
  });
});
