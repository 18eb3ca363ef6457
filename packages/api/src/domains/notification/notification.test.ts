import { notifications } from '@devflow/db';
import { eq } from 'drizzle-orm';
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
import { notify } from './events';

let deps: TestDeps;
let owner: SessionUser;
let fan: SessionUser;
let critic: SessionUser;
let suspended: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps();
  owner = await createTestUser(deps);
  fan = await createTestUser(deps);
  critic = await createTestUser(deps);
  suspended = await createTestUser(deps, { suspendedUntil: new Date(Date.now() + 86_400_000) });
});

afterAll(async () => {
  await deps.close();
});

describe('notifications', () => {
  it("lists others' actions on your posts and profile, newest first, and none of your own", async () => {
    const question = await createTestQuestion(deps, owner, { title: 'How do recursive CTEs scale?' });
    const target = { targetType: 'question' as const, targetId: String(question.id) };
    await callerFor(deps, owner).reply.create({ ...target, body: 'adding context to my own question' });
    await callerFor(deps, fan).follow.follow({ userId: String(owner.id) });
    const reply = await callerFor(deps, critic).reply.create({ ...target, body: 'have you tried an index?' });
    const answer = await createTestAnswer(deps, fan, question);
    // The Q&A domain records answer notifications through the same helper, in its transaction.
    await notify(deps.db, deps, [
      { userId: owner.id, actorId: fan.id, type: 'answer', questionId: question.id, answerId: answer.id },
    ]);

    const page = await callerFor(deps, owner).notification.list({});
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((n) => [n.type, n.actor.username, n.read])).toEqual([
      ['answer', fan.username, false],
      ['reply', critic.username, false],
      ['follow', fan.username, false],
    ]);
    expect(page.items[1]).toMatchObject({
      questionId: String(question.id),
      questionTitle: 'How do recursive CTEs scale?',
      replyId: reply.id,
      answerId: null,
    });
    expect(page.items[2]).toMatchObject({ questionId: null, questionTitle: null });
    expect(await callerFor(deps, owner).notification.unreadCount()).toEqual({ count: 3 });
    // Nobody else sees them.
    expect((await callerFor(deps, critic).notification.list({})).items).toEqual([]);
  });

  it('marks chosen or all notifications read, only your own', async () => {
    const mine = await callerFor(deps, owner).notification.list({ limit: 2 });
    expect(mine.items).toHaveLength(2);
    expect(mine.nextCursor).not.toBeNull();
    const rest = await callerFor(deps, owner).notification.list({ limit: 2, cursor: mine.nextCursor });
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    const first = mine.items[0];
    if (!first) throw new Error('no notification');

    // Someone else cannot mark the owner's notifications read.
    expect(await callerFor(deps, critic).notification.markRead({ ids: [first.id] })).toEqual({
      ok: true,
      unread: 0,
    });
    expect(await callerFor(deps, owner).notification.unreadCount()).toEqual({ count: 3 });

    expect(await callerFor(deps, owner).notification.markRead({ ids: [first.id] })).toEqual({
      ok: true,
      unread: 2,
    });
    const unread = await callerFor(deps, owner).notification.list({ unreadOnly: true });
    expect(unread.items.map((n) => n.id)).not.toContain(first.id);
    expect(unread.items).toHaveLength(2);
    const [row] = await deps.db
      .select()
      .from(notifications)
      .where(eq(notifications.id, Number(first.id)));
    expect(row?.readAt).not.toBeNull();

    // Suspended users can still read and clear their notifications.
    await callerFor(deps, owner).follow.follow({ userId: String(suspended.id) });
    expect(await callerFor(deps, suspended).notification.markRead()).toEqual({ ok: true, unread: 0 });

    expect(await callerFor(deps, owner).notification.markRead({})).toEqual({ ok: true, unread: 0 });
    const all = await callerFor(deps, owner).notification.list({});
    expect(all.items.every((n) => n.read)).toBe(true);
    expect(await callerFor(deps, owner).notification.list({ unreadOnly: true })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('requires signing in and rejects bad input', async () => {
    await expect(callerFor(deps, null).notification.list({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(callerFor(deps, null).notification.unreadCount()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(callerFor(deps, null).notification.markRead({})).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(callerFor(deps, owner).notification.markRead({ ids: ['x'] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(callerFor(deps, owner).notification.markRead({ ids: [] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(callerFor(deps, owner).notification.list({ cursor: 'WzAsMV0' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
