import { answers, notifications, questions, reactions } from '@devflow/db';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';
import { REPUTATION_RULE, reputationOf } from '../posts/reputation';

let deps: TestDeps;
let asker: SessionUser;
let answerer: SessionUser;
let other: SessionUser;
let moderator: SessionUser;
let suspended: SessionUser;
let counter = 0;

beforeAll(async () => {
  deps = await createTestDeps({
    rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 100_000, durationSeconds: 60 } },
  });
  asker = await createTestUser(deps);
  answerer = await createTestUser(deps);
  other = await createTestUser(deps);
  moderator = await createTestUser(deps, { role: 'moderator' });
  suspended = await createTestUser(deps, { suspendedUntil: new Date(Date.now() + 3_600_000) });
});
afterAll(() => deps.close());

const ask = async () => {
  counter += 1;
  return callerFor(deps, asker).question.create({
    title: `Why does answer test ${counter} behave like this?`,
    body: `Some details about the problem number ${counter}.`,
    tags: ['answers'],
  });
};

const reply = (user: SessionUser, questionId: string, text = 'Here is an answer that explains it well.') =>
  callerFor(deps, user).answer.create({ questionId, body: `${text} (${++counter})` });

const acceptedIdsOf = async (questionId: string) => {
  const detail = await callerFor(deps, null).question.byId({ id: questionId });
  return detail.answers.filter((a) => a.accepted).map((a) => a.id);
};

describe('answer.create', () => {
  it('adds the answer, bumps answerCount and activity, saves a revision and notifies the asker', async () => {
    const q = await ask();
    const a = await reply(answerer, q.id, 'Use **zod** to validate it.');
    expect(a).toMatchObject({
      questionId: q.id,
      accepted: false,
      deleted: false,
      score: 0,
      myReaction: null,
    });
    expect(a.bodyHtml).toContain('<strong>zod</strong>');
    const detail = await callerFor(deps, null).question.byId({ id: q.id });
    expect(detail.answerCount).toBe(1);
    expect(Date.parse(detail.lastActivityAt)).toBeGreaterThanOrEqual(Date.parse(q.lastActivityAt));
    expect(detail.answers.map((x) => x.id)).toEqual([a.id]);
    const told = await deps.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, asker.id), eq(notifications.answerId, Number(a.id))));
    expect(told).toMatchObject([{ type: 'answer', actorId: answerer.id, questionId: Number(q.id) }]);
    const history = await callerFor(deps, null).answer.revisions({ id: a.id });
    expect(history).toMatchObject([
      { body: a.body, title: null, tags: null, editor: { id: String(answerer.id) } },
    ]);
  });

  it('does not notify askers who answer their own question', async () => {
    const q = await ask();
    const a = await reply(asker, q.id);
    const told = await deps.db
      .select()
      .from(notifications)
      .where(eq(notifications.answerId, Number(a.id)));
    expect(told).toEqual([]);
  });

  it('refuses anonymous, suspended, bad input, unknown and deleted questions, changing nothing', async () => {
    const q = await ask();
    const body = 'A perfectly reasonable answer body.';
    await expect(callerFor(deps, null).answer.create({ questionId: q.id, body })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(callerFor(deps, suspended).answer.create({ questionId: q.id, body })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    for (const bad of ['', 'too short', 'x'.repeat(50_001)]) {
      await expect(
        callerFor(deps, answerer).answer.create({ questionId: q.id, body: bad }),
      ).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
    }
    await expect(callerFor(deps, answerer).answer.create({ questionId: 'x', body })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(
      callerFor(deps, answerer).answer.create({ questionId: '99999999', body }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await callerFor(deps, asker).question.delete({ id: q.id });
    await expect(callerFor(deps, answerer).answer.create({ questionId: q.id, body })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const [row] = await deps.db
      .select()
      .from(questions)
      .where(eq(questions.id, Number(q.id)));
    expect(row?.answerCount).toBe(0);
  });
});

describe('answer counts under concurrency', () => {
  it('keeps answerCount exact when answers arrive at once', async () => {
    const q = await ask();
    await Promise.all([answerer, other, moderator, asker, answerer].map((user) => reply(user, q.id)));
    const detail = await callerFor(deps, null).question.byId({ id: q.id });
    expect(detail.answerCount).toBe(5);
    expect(detail.answers).toHaveLength(5);
  });

  it("shows each answer's myReaction for the caller", async () => {
    const q = await ask();
    const a = await reply(answerer, q.id);
    const b = await reply(other, q.id);
    await deps.db.insert(reactions).values([
      { userId: asker.id, targetType: 'answer', targetId: Number(a.id), value: 1 },
      { userId: other.id, targetType: 'answer', targetId: Number(b.id), value: -1 },
    ]);
    const mine = await callerFor(deps, asker).question.byId({ id: q.id });
    expect(Object.fromEntries(mine.answers.map((x) => [x.id, x.myReaction]))).toEqual({
      [a.id]: 'like',
      [b.id]: null,
    });
  });
});

describe('answer.update', () => {
  it('lets the author and moderators edit with revisions; others are refused', async () => {
    const q = await ask();
    const a = await reply(answerer, q.id);
    const edited = await callerFor(deps, answerer).answer.update({
      id: a.id,
      body: 'An improved answer with `code`.',
    });
    expect(edited.bodyHtml).toContain('<code>code</code>');
    await callerFor(deps, answerer).answer.update({ id: a.id, body: 'An improved answer with `code`.' });
    await callerFor(deps, moderator).answer.update({ id: a.id, body: 'Moderator tidied this answer up.' });
    const history = await callerFor(deps, null).answer.revisions({ id: a.id });
    expect(history.map((r) => [r.editor.username, r.body])).toEqual([
      [moderator.username, 'Moderator tidied this answer up.'],
      [answerer.username, 'An improved answer with `code`.'],
      [answerer.username, a.body],
    ]);
    const body = 'Someone else trying to edit this.';
    await expect(callerFor(deps, other).answer.update({ id: a.id, body })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(deps, suspended).answer.update({ id: a.id, body })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(deps, null).answer.update({ id: a.id, body })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(callerFor(deps, answerer).answer.update({ id: a.id, body: '' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(callerFor(deps, answerer).answer.update({ id: '99999999', body })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(callerFor(deps, null).answer.revisions({ id: '99999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const [row] = await deps.db
      .select()
      .from(answers)
      .where(eq(answers.id, Number(a.id)));
    expect(row?.body).toBe('Moderator tidied this answer up.');
  });
});

describe('answer.accept', () => {
  it('only the asker accepts; accepting another moves it; accepting again is idempotent', async () => {
    const q = await ask();
    const first = await reply(answerer, q.id);
    const second = await reply(other, q.id);
    await expect(callerFor(deps, answerer).answer.accept({ answerId: first.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(deps, moderator).answer.accept({ answerId: first.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(deps, null).answer.accept({ answerId: first.id })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(callerFor(deps, asker).answer.accept({ answerId: '99999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    const afterFirst = await callerFor(deps, asker).answer.accept({ answerId: first.id });
    expect(afterFirst.acceptedAnswerId).toBe(first.id);
    expect(afterFirst.answers[0]).toMatchObject({ id: first.id, accepted: true });
    expect(await acceptedIdsOf(q.id)).toEqual([first.id]);

    const afterSecond = await callerFor(deps, asker).answer.accept({ answerId: second.id });
    expect(afterSecond.acceptedAnswerId).toBe(second.id);
    expect(await acceptedIdsOf(q.id)).toEqual([second.id]);
    await callerFor(deps, asker).answer.accept({ answerId: second.id });
    expect(await acceptedIdsOf(q.id)).toEqual([second.id]);

    const told = await deps.db
      .select({ userId: notifications.userId })
      .from(notifications)
      .where(and(eq(notifications.type, 'accepted'), eq(notifications.questionId, Number(q.id))));
    expect(told.map((n) => n.userId).sort()).toEqual([answerer.id, other.id].sort());

    const list = await callerFor(deps, null).question.list({ sort: 'newest', authorId: String(asker.id) });
    expect(list.items.find((item) => item.id === q.id)?.hasAcceptedAnswer).toBe(true);

    const unaccepted = await callerFor(deps, asker).answer.unaccept({ answerId: second.id });
    expect(unaccepted.acceptedAnswerId).toBeNull();
    expect(await acceptedIdsOf(q.id)).toEqual([]);
    await expect(callerFor(deps, other).answer.unaccept({ answerId: second.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('keeps exactly one accepted answer when acceptances race', async () => {
    const q = await ask();
    const candidates = await Promise.all([reply(answerer, q.id), reply(other, q.id), reply(moderator, q.id)]);
    const caller = callerFor(deps, asker);
    await Promise.all(candidates.map((a) => caller.answer.accept({ answerId: a.id })));
    const accepted = await acceptedIdsOf(q.id);
    expect(accepted).toHaveLength(1);
  });

  it('sorts answers accepted first, then by score, then oldest', async () => {
    const q = await ask();
    const a1 = await reply(answerer, q.id);
    const a2 = await reply(other, q.id);
    const a3 = await reply(moderator, q.id);
    await deps.db
      .update(answers)
      .set({ score: 5 })
      .where(eq(answers.id, Number(a3.id)));
    await callerFor(deps, asker).answer.accept({ answerId: a2.id });
    const detail = await callerFor(deps, null).question.byId({ id: q.id });
    expect(detail.answers.map((a) => a.id)).toEqual([a2.id, a3.id, a1.id]);
  });

  it('adds the accepted-answer bonus to the answerer’s reputation', async () => {
    const fresh = await createTestUser(deps);
    const q = await ask();
    const a = await reply(fresh, q.id);
    expect(await reputationOf(deps.db, fresh.id)).toBe(0);
    await callerFor(deps, asker).answer.accept({ answerId: a.id });
    expect(await reputationOf(deps.db, fresh.id)).toBe(REPUTATION_RULE.acceptedAnswer);
    await callerFor(deps, fresh).answer.delete({ id: a.id });
    expect(await reputationOf(deps.db, fresh.id)).toBe(0);
  });

  it('gives no bonus for accepting your own answer', async () => {
    const q = await ask();
    const own = await reply(asker, q.id);
    const before = await reputationOf(deps.db, asker.id);
    await callerFor(deps, asker).answer.accept({ answerId: own.id });
    const detail = await callerFor(deps, null).question.byId({ id: q.id });
    expect(detail.acceptedAnswerId).toBe(own.id);
    expect(await reputationOf(deps.db, asker.id)).toBe(before);
  });
});

describe('answer.delete and answer.restore', () => {
  it('keeps answerCount exact and hides deleted answers from everyone but moderators', async () => {
    const q = await ask();
    const a = await reply(answerer, q.id);
    await reply(other, q.id);
    await callerFor(deps, asker).answer.accept({ answerId: a.id });
    await expect(callerFor(deps, other).answer.delete({ id: a.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(deps, suspended).answer.delete({ id: a.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(deps, null).answer.delete({ id: a.id })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(await callerFor(deps, answerer).answer.delete({ id: a.id })).toEqual({ ok: true });

    const seen = await callerFor(deps, other).question.byId({ id: q.id });
    expect(seen.answerCount).toBe(1);
    expect(seen.acceptedAnswerId).toBeNull();
    expect(seen.answers.map((x) => x.id)).not.toContain(a.id);
    const modView = await callerFor(deps, moderator).question.byId({ id: q.id });
    expect(modView.answers.find((x) => x.id === a.id)?.deleted).toBe(true);
    await expect(
      callerFor(deps, answerer).answer.update({ id: a.id, body: 'Editing a deleted answer.' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await expect(callerFor(deps, answerer).answer.restore({ id: a.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(deps, moderator).answer.restore({ id: '99999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const restored = await callerFor(deps, moderator).answer.restore({ id: a.id });
    expect(restored.deleted).toBe(false);
    await callerFor(deps, moderator).answer.restore({ id: a.id });
    const [row] = await deps.db
      .select()
      .from(questions)
      .where(eq(questions.id, Number(q.id)));
    expect(row?.answerCount).toBe(2);
    const [live] = await deps.db
      .select({ n: sql<number>`count(*)::int` })
      .from(answers)
      .where(and(eq(answers.questionId, Number(q.id)), sql`${answers.deletedAt} is null`));
    expect(live?.n).toBe(2);
  });
});

describe('answer ids and types', () => {
  it('answers NOT_FOUND for unknown ids and BAD_REQUEST for wrong types on every answer mutation', async () => {
    const caller = callerFor(deps, moderator);
    await expect(caller.answer.delete({ id: '99999999' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller.answer.unaccept({ answerId: '99999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      caller.answer.create({ questionId: 12 as unknown as string, body: 'A body that is long enough.' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.answer.update({ id: '1', body: 7 as unknown as string })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(caller.answer.accept({ answerId: '1e3' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('cannot accept a deleted answer', async () => {
    const q = await ask();
    const a = await reply(answerer, q.id);
    await callerFor(deps, answerer).answer.delete({ id: a.id });
    await expect(callerFor(deps, asker).answer.accept({ answerId: a.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await acceptedIdsOf(q.id)).toEqual([]);
  });
});

describe('answer.byUser', () => {
  it("pages through a user's live answers newest first with their question titles", async () => {
    const writer = await createTestUser(deps);
    const q = await ask();
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await reply(writer, q.id));
    const last = made[4];
    if (!last) throw new Error('no answers');
    await callerFor(deps, writer).answer.delete({ id: last.id });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof callerFor>['answer']['byUser']>> = await callerFor(
        deps,
        null,
      ).answer.byUser({ userId: String(writer.id), cursor, limit: 2 });
      for (const item of page.items) {
        expect(item.questionTitle).toBe(q.title);
        seen.push(item.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(
      made
        .slice(0, 4)
        .map((a) => a.id)
        .reverse(),
    );
    await expect(
      callerFor(deps, null).answer.byUser({ userId: String(writer.id), cursor: 'garbage' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
