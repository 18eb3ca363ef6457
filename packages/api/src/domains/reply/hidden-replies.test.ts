import { answers, replies } from '@devflow/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestUser,
  outcome,
  type TestDeps,
} from '../../testing';
import type { SessionUser } from '../../trpc/context';

/**
 * A reply is exactly as visible as the post it hangs from, and an answer as its question: once the
 * question or the answer is deleted, every procedure that touches the reply answers non-moderators as if
 * it had never existed — NOT_FOUND with the missing reply's own message, so the answer cannot tell hidden
 * replies from ids nobody used. Moderators keep what the contract lets them do (edit, delete, read).
 */

let deps: TestDeps;
let alice: SessionUser;
let bob: SessionUser;
let carol: SessionUser;
let moderator: SessionUser;
/** A live question to aim at when a hidden reply is named as a parent from elsewhere. */
let live: { id: number };

const MISSING = '999999999';

/** Where a hidden reply hangs, and one of its replies by each author. */
type Hidden = {
  what: string;
  target: { targetType: 'question' | 'answer'; targetId: string };
  /** bob's reply, with carol's child under it. */
  reply: string;
  child: string;
};
const hidden: Hidden[] = [];

async function thread(target: Hidden['target']) {
  const top = await callerFor(deps, bob).reply.create({ ...target, body: 'a reply by bob' });
  const child = await callerFor(deps, carol).reply.create({
    ...target,
    parentId: top.id,
    body: 'carol answers',
  });
  return { reply: top.id, child: child.id };
}

beforeAll(async () => {
  deps = await createTestDeps();
  alice = await createTestUser(deps);
  bob = await createTestUser(deps);
  carol = await createTestUser(deps);
  moderator = await createTestUser(deps, { role: 'moderator' });
  live = await createTestQuestion(deps, alice);

  // 1. Under a question its author deleted.
  const q1 = await createTestQuestion(deps, alice);
  const onQuestion = { targetType: 'question' as const, targetId: String(q1.id) };
  hidden.push({
    what: 'a reply under a deleted question',
    target: onQuestion,
    ...(await thread(onQuestion)),
  });
  await callerFor(deps, alice).question.delete({ id: String(q1.id) });

  // 2. Under an answer its author deleted (the question stays).
  const q2 = await createTestQuestion(deps, alice);
  const a2 = await createTestAnswer(deps, bob, q2);
  const onAnswer = { targetType: 'answer' as const, targetId: String(a2.id) };
  hidden.push({ what: 'a reply under a deleted answer', target: onAnswer, ...(await thread(onAnswer)) });
  await callerFor(deps, bob).answer.delete({ id: String(a2.id) });

  // 3. Under a live answer whose question was deleted.
  const q3 = await createTestQuestion(deps, alice);
  const a3 = await createTestAnswer(deps, bob, q3);
  const onOrphan = { targetType: 'answer' as const, targetId: String(a3.id) };
  hidden.push({
    what: 'a reply under an answer of a deleted question',
    target: onOrphan,
    ...(await thread(onOrphan)),
  });
  await callerFor(deps, alice).question.delete({ id: String(q3.id) });
});

afterAll(async () => {
  await deps.close();
});

describe('replies under a deleted question or answer', () => {
  it('are NOT_FOUND, exactly like a missing reply, to edit, delete, reply to or react to', async () => {
    const missing = {
      update: await outcome(() => callerFor(deps, bob).reply.update({ id: MISSING, body: 'edited' })),
      delete: await outcome(() => callerFor(deps, bob).reply.delete({ id: MISSING })),
      react: await outcome(() =>
        callerFor(deps, alice).reaction.set({ targetType: 'reply', targetId: MISSING, value: 'like' }),
      ),
      replyTo: await outcome(() =>
        callerFor(deps, alice).reply.create({
          targetType: 'question',
          targetId: String(live.id),
          parentId: MISSING,
          body: 'hello',
        }),
      ),
    };
    expect(Object.values(missing).every((text) => text.startsWith('NOT_FOUND: '))).toBe(true);
    for (const { what, reply, child } of hidden) {
      for (const id of [reply, child]) {
        // The author, a stranger, and a reply aimed at it from a live thread.
        const got = {
          update: await outcome(() => callerFor(deps, bob).reply.update({ id, body: 'edited' })),
          delete: await outcome(() => callerFor(deps, bob).reply.delete({ id })),
          react: await outcome(() =>
            callerFor(deps, alice).reaction.set({ targetType: 'reply', targetId: id, value: 'like' }),
          ),
          replyTo: await outcome(() =>
            callerFor(deps, alice).reply.create({
              targetType: 'question',
              targetId: String(live.id),
              parentId: id,
              body: 'hello',
            }),
          ),
        };
        expect({ what, id, ...got }).toEqual({ what, id, ...missing });
      }
    }
    // Nothing changed: no edit, no tombstone, no reaction.
    for (const { reply, child } of hidden) {
      for (const id of [reply, child]) {
        const [row] = await deps.db
          .select()
          .from(replies)
          .where(eq(replies.id, Number(id)));
        expect(row).toMatchObject({ deletedAt: null, likes: 0 });
        expect(row?.body).not.toBe('edited');
      }
    }
  });

  it('are not readable through reply.thread, by their post or as a root named from a live post', async () => {
    for (const { target, reply } of hidden) {
      const missingTarget = await outcome(() =>
        callerFor(deps, bob).reply.thread({ targetType: target.targetType, targetId: MISSING }),
      );
      expect(await outcome(() => callerFor(deps, bob).reply.thread(target))).toBe(missingTarget);
      const rootFromLive = (rootId: string) =>
        outcome(() =>
          callerFor(deps, bob).reply.thread({ targetType: 'question', targetId: String(live.id), rootId }),
        );
      expect((await rootFromLive(reply)).replace(reply, '#')).toBe(
        (await rootFromLive(MISSING)).replace(MISSING, '#'),
      );
    }
  });

  it('drop out of the notifications that linked to them, for everyone but moderators', async () => {
    // bob was told of carol's reply under each hidden post; the notification no longer points at it.
    const bobs = await callerFor(deps, bob).notification.list({ limit: 100 });
    for (const { child } of hidden) {
      expect(bobs.items.some((item) => item.replyId === child)).toBe(false);
    }
    const replyNotes = bobs.items.filter((item) => item.type === 'reply');
    expect(replyNotes).toHaveLength(hidden.length);
    expect(replyNotes.map((item) => [item.replyId, item.answerId])).toEqual(hidden.map(() => [null, null]));

    // A moderator's notification under a deleted post keeps its links (moderators see deleted posts).
    const q = await createTestQuestion(deps, alice);
    const target = { targetType: 'question' as const, targetId: String(q.id) };
    const mine = await callerFor(deps, moderator).reply.create({ ...target, body: 'a moderator asks' });
    const answer = await callerFor(deps, carol).reply.create({ ...target, parentId: mine.id, body: 'carol' });
    await callerFor(deps, alice).question.delete({ id: String(q.id) });
    const mods = await callerFor(deps, moderator).notification.list({ limit: 100 });
    expect(mods.items.map((item) => item.replyId)).toContain(answer.id);
  });

  it('stay open to moderators, who edit and delete them and read their thread', async () => {
    for (const { what, target, reply, child } of hidden) {
      const edited = await callerFor(deps, moderator).reply.update({ id: child, body: 'moderated' });
      expect({ what, body: edited.body }).toEqual({ what, body: 'moderated' });
      const thread = await callerFor(deps, moderator).reply.thread(target);
      expect(thread.items.map((item) => item.id)).toEqual([reply, child]);
      expect(await callerFor(deps, moderator).reply.delete({ id: reply })).toEqual({ ok: true });
    }
  });
});

describe('answers under a deleted question', () => {
  it('are NOT_FOUND, exactly like a missing answer, to edit, delete, accept, react to or read', async () => {
    const question = await createTestQuestion(deps, alice);
    const answer = await createTestAnswer(deps, bob, question);
    await callerFor(deps, alice).question.delete({ id: String(question.id) });
    const body = 'An edited answer, long enough to be valid.';
    const attempts = (id: string) => ({
      update: () => callerFor(deps, bob).answer.update({ id, body }),
      delete: () => callerFor(deps, bob).answer.delete({ id }),
      accept: () => callerFor(deps, alice).answer.accept({ answerId: id }),
      unaccept: () => callerFor(deps, alice).answer.unaccept({ answerId: id }),
      revisions: () => callerFor(deps, carol).answer.revisions({ id }),
      react: () => callerFor(deps, carol).reaction.set({ targetType: 'answer', targetId: id, value: 'like' }),
      replyTo: () =>
        callerFor(deps, carol).reply.create({ targetType: 'answer', targetId: id, body: 'hello' }),
    });
    const results = async (id: string) => {
      const out: Record<string, string> = {};
      for (const [name, call] of Object.entries(attempts(id))) out[name] = await outcome(call);
      return out;
    };
    const missing = await results(MISSING);
    expect(Object.values(missing).every((text) => text.startsWith('NOT_FOUND: '))).toBe(true);
    expect(await results(String(answer.id))).toEqual(missing);
    const [row] = await deps.db.select().from(answers).where(eq(answers.id, answer.id));
    expect(row).toMatchObject({ deletedAt: null, likes: 0, body: answer.body });
    // Moderators still edit it.
    const moderated = await callerFor(deps, moderator).answer.update({ id: String(answer.id), body });
    expect(moderated.body).toBe(body);
  });
});
