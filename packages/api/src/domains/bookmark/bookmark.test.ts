import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestUser,
  type TestDeps,
} from '../../testing';
import type { SessionUser } from '../../trpc/context';

let deps: TestDeps;
let owner: SessionUser;
let stranger: SessionUser;
let author: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps();
  owner = await createTestUser(deps);
  stranger = await createTestUser(deps);
  author = await createTestUser(deps);
});

afterAll(async () => {
  await deps.close();
});

describe('bookmarks', () => {
  it('saves questions and answers, newest saved first, across pages, without duplicates', async () => {
    const q1 = await createTestQuestion(deps, author, { title: 'First saved question title' });
    const q2 = await createTestQuestion(deps, author, { title: 'Second saved question title' });
    const a1 = await createTestAnswer(deps, author, q1);
    const me = callerFor(deps, owner);
    await me.bookmark.add({ targetType: 'question', targetId: String(q2.id) });
    await me.bookmark.add({ targetType: 'answer', targetId: String(a1.id) });
    await me.bookmark.add({ targetType: 'question', targetId: String(q1.id) });
    expect(await me.bookmark.add({ targetType: 'question', targetId: String(q1.id) })).toEqual({
      bookmarked: true,
    });

    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await me.bookmark.list({ cursor, limit: 2 });
      keys.push(...page.items.map((item) => `${item.targetType}:${item.targetId}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(keys).toEqual([`question:${q1.id}`, `answer:${a1.id}`, `question:${q2.id}`]);
    const { items } = await me.bookmark.list({});
    expect(items[1]).toMatchObject({
      targetType: 'answer',
      questionId: String(q1.id),
      title: 'First saved question title',
      author: { username: author.username },
    });
    expect(items[1]?.excerpt).toMatch(/^Test answer/);
  });

  it('is private: another user sees none and cannot remove them (NOT_FOUND)', async () => {
    expect(await callerFor(deps, stranger).bookmark.list({})).toEqual({ items: [], nextCursor: null });
    const [first] = (await callerFor(deps, owner).bookmark.list({})).items;
    if (!first) throw new Error('no bookmark');
    const key = { targetType: first.targetType, targetId: first.targetId };
    await expect(callerFor(deps, stranger).bookmark.remove(key)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await callerFor(deps, owner).bookmark.list({})).items).toHaveLength(3);
    expect(await callerFor(deps, owner).bookmark.remove(key)).toEqual({ bookmarked: false });
    expect((await callerFor(deps, owner).bookmark.list({})).items).toHaveLength(2);
    await expect(callerFor(deps, null).bookmark.list({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses missing and deleted posts, hides saved posts once deleted, and rejects bad input', async () => {
    const me = callerFor(deps, owner);
    await expect(me.bookmark.add({ targetType: 'answer', targetId: '999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const gone = await createTestQuestion(deps, author, { deletedAt: new Date() });
    await expect(
      me.bookmark.add({ targetType: 'question', targetId: String(gone.id) }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const doomed = await createTestQuestion(deps, author);
    await me.bookmark.add({ targetType: 'question', targetId: String(doomed.id) });
    expect((await me.bookmark.list({})).items[0]?.targetId).toBe(String(doomed.id));
    await callerFor(deps, author).question.delete({ id: String(doomed.id) });
    expect((await me.bookmark.list({})).items.map((item) => item.targetId)).not.toContain(String(doomed.id));
    await expect(
      me.bookmark.add({ targetType: 'reply' as 'answer', targetId: String(doomed.id) }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(me.bookmark.list({ cursor: 'WzAsMV0' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
