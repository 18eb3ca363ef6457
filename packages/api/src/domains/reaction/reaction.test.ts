import { answers, queryRows, questions, reactions, replies } from '@devflow/db';
import { and, count, eq, sql } from 'drizzle-orm';
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
let author: SessionUser;
let reader: SessionUser;
let suspended: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps();
  author = await createTestUser(deps);
  reader = await createTestUser(deps);
  suspended = await createTestUser(deps, { suspendedUntil: new Date(Date.now() + 86_400_000) });
});

afterAll(async () => {
  await deps.close();
});

/** Inserts `n` users with one statement and returns them as procedures see them. */
async function bulkUsers(n: number, prefix: string): Promise<SessionUser[]> {
  const rows = await queryRows<{ id: number | string; username: string; email: string }>(
    deps.db,
    sql`insert into users (email, username, email_verified)
        select ${prefix} || g || '@example.com', ${prefix} || g, true from generate_series(1, ${n}) g
        returning id, username, email`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    username: row.username,
    email: row.email,
    role: 'user' as const,
    emailVerified: true,
    suspendedUntil: null,
  }));
}

type Target = 'question' | 'answer' | 'reply';

async function storedCounters(type: Target, id: number) {
  const table = type === 'question' ? questions : type === 'answer' ? answers : replies;
  const [row] = await deps.db
    .select({ likes: table.likes, dislikes: table.dislikes, score: table.score })
    .from(table)
    .where(eq(table.id, id));
  return row;
}

async function countedReactions(type: Target, id: number) {
  const rows = await deps.db
    .select({ value: reactions.value, n: count() })
    .from(reactions)
    .where(and(eq(reactions.targetType, type), eq(reactions.targetId, id)))
    .groupBy(reactions.value);
  const likes = Number(rows.find((r) => r.value === 1)?.n ?? 0);
  const dislikes = Number(rows.find((r) => r.value === -1)?.n ?? 0);
  return { likes, dislikes, score: likes - dislikes };
}

describe('reaction.set', () => {
  it('likes, switches to dislike and clears, keeping one reaction per user', async () => {
    const question = await createTestQuestion(deps, author);
    const targetId = String(question.id);
    const caller = callerFor(deps, reader);
    expect(await caller.reaction.set({ targetType: 'question', targetId, value: 'like' })).toEqual({
      likes: 1,
      dislikes: 0,
      score: 1,
      mine: 'like',
    });
    expect(await caller.reaction.set({ targetType: 'question', targetId, value: 'like' })).toEqual({
      likes: 1,
      dislikes: 0,
      score: 1,
      mine: 'like',
    });
    expect(await caller.reaction.set({ targetType: 'question', targetId, value: 'dislike' })).toEqual({
      likes: 0,
      dislikes: 1,
      score: -1,
      mine: 'dislike',
    });
    expect(await countedReactions('question', question.id)).toEqual({ likes: 0, dislikes: 1, score: -1 });
    expect(await caller.reaction.set({ targetType: 'question', targetId, value: null })).toEqual({
      likes: 0,
      dislikes: 0,
      score: 0,
      mine: null,
    });
    expect(await countedReactions('question', question.id)).toEqual({ likes: 0, dislikes: 0, score: 0 });
    expect(await storedCounters('question', question.id)).toEqual({ likes: 0, dislikes: 0, score: 0 });
  });

  it('keeps counters equal to COUNT(*) after 200 users react at once, then switch and clear at once', async () => {
    const question = await createTestQuestion(deps, author);
    const users = await bulkUsers(200, `burst${question.id}_`);
    const targetId = String(question.id);
    const first = users.map((_, i) => (i % 3 === 0 ? ('dislike' as const) : ('like' as const)));
    await Promise.all(
      users.map((user, i) =>
        callerFor(deps, user).reaction.set({ targetType: 'question', targetId, value: first[i] ?? null }),
      ),
    );
    const afterBurst = await countedReactions('question', question.id);
    expect(afterBurst).toEqual({ likes: 133, dislikes: 67, score: 66 });
    expect(await storedCounters('question', question.id)).toEqual(afterBurst);

    // Everyone changes their mind at once: a third clears, a third switches, a third repeats.
    const second = users.map((_, i) =>
      i % 3 === 0 ? null : i % 3 === 1 ? (first[i] === 'like' ? 'dislike' : 'like') : (first[i] ?? null),
    );
    const results = await Promise.all(
      users.map((user, i) =>
        callerFor(deps, user).reaction.set({ targetType: 'question', targetId, value: second[i] ?? null }),
      ),
    );
    results.forEach((result, i) => {
      expect(result.mine).toBe(second[i]);
    });
    const expected = {
      likes: second.filter((v) => v === 'like').length,
      dislikes: second.filter((v) => v === 'dislike').length,
    };
    const counted = await countedReactions('question', question.id);
    expect(counted).toEqual({ ...expected, score: expected.likes - expected.dislikes });
    expect(await storedCounters('question', question.id)).toEqual(counted);
  });

  it('counts a burst of repeated clicks by one user once, on answers and replies too', async () => {
    const question = await createTestQuestion(deps, author);
    const answer = await createTestAnswer(deps, author, question);
    const reply = await callerFor(deps, author).reply.create({
      targetType: 'answer',
      targetId: String(answer.id),
      body: 'a reply',
    });
    for (const [type, id] of [
      ['answer', answer.id],
      ['reply', Number(reply.id)],
    ] as const) {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          callerFor(deps, reader).reaction.set({
            targetType: type,
            targetId: String(id),
            value: 'like',
          }),
        ),
      );
      expect(await countedReactions(type, id)).toEqual({ likes: 1, dislikes: 0, score: 1 });
      expect(await storedCounters(type, id)).toEqual({ likes: 1, dislikes: 0, score: 1 });
    }
    const thread = await callerFor(deps, reader).reply.thread({
      targetType: 'answer',
      targetId: String(answer.id),
    });
    expect(thread.items[0]).toMatchObject({ likes: 1, score: 1, myReaction: 'like' });
    const anonymous = await callerFor(deps, null).reply.thread({
      targetType: 'answer',
      targetId: String(answer.id),
    });
    expect(anonymous.items[0]?.myReaction).toBeNull();
  });

  it('refuses reactions to your own post with FORBIDDEN and changes nothing', async () => {
    const question = await createTestQuestion(deps, author);
    await expect(
      callerFor(deps, author).reaction.set({
        targetType: 'question',
        targetId: String(question.id),
        value: 'like',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'You cannot like or dislike your own post.' });
    expect(await countedReactions('question', question.id)).toEqual({ likes: 0, dislikes: 0, score: 0 });
    expect(await storedCounters('question', question.id)).toEqual({ likes: 0, dislikes: 0, score: 0 });
  });

  it('answers NOT_FOUND for deleted or unknown posts, BAD_REQUEST for bad input, and guards roles', async () => {
    const deleted = await createTestQuestion(deps, author, { deletedAt: new Date() });
    const live = await createTestQuestion(deps, author);
    const reply = await callerFor(deps, author).reply.create({
      targetType: 'question',
      targetId: String(live.id),
      body: 'soon gone',
    });
    await callerFor(deps, author).reply.delete({ id: reply.id });
    const caller = callerFor(deps, reader);
    const readerReactions = async () => {
      const [row] = await deps.db
        .select({ n: count() })
        .from(reactions)
        .where(eq(reactions.userId, reader.id));
      return row?.n;
    };
    const before = await readerReactions();
    for (const [targetType, targetId] of [
      ['question', String(deleted.id)],
      ['question', '999999999'],
      ['answer', '999999999'],
      ['reply', reply.id],
    ] as const) {
      await expect(caller.reaction.set({ targetType, targetId, value: 'like' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    }
    await expect(
      caller.reaction.set({ targetType: 'question', targetId: String(live.id), value: 'love' as 'like' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      caller.reaction.set({ targetType: 'user' as 'question', targetId: String(live.id), value: 'like' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      callerFor(deps, null).reaction.set({
        targetType: 'question',
        targetId: String(live.id),
        value: 'like',
      }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(
      callerFor(deps, suspended).reaction.set({
        targetType: 'question',
        targetId: String(live.id),
        value: 'like',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await readerReactions()).toBe(before);
    expect(await storedCounters('question', live.id)).toEqual({ likes: 0, dislikes: 0, score: 0 });
  });
});
