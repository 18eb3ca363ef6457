import { answers, type Executor, questions, users } from '@devflow/db';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { SessionUser } from '../context';
import type { ApiDeps } from '../deps';
import { toId, toIso } from '../schemas/common';
import { renderMarkdown } from './markdown';
import { notify } from './notification-events';
import { decodeCursor, timeIdCursor, toPage } from './pagination';
import { assertCan } from './policy';
import {
  authorColumns,
  EXCERPT_SOURCE_CHARS,
  excerptOf,
  notFound,
  reactionsOf,
  revisionsOf,
  saveRevision,
  toUserSummary,
  visibleTo,
} from './posts';
import { loadQuestionDetail } from './question';

/** What answer services need from the world. */
type Deps = Pick<ApiDeps, 'db'>;

/** An answer with its question's author, acceptance and visibility, locked when `forUpdate`. */
async function findAnswerRow(db: Executor, id: number, forUpdate = false) {
  const query = db
    .select({
      id: answers.id,
      questionId: answers.questionId,
      authorId: answers.authorId,
      body: answers.body,
      bodyHtml: answers.bodyHtml,
      likes: answers.likes,
      dislikes: answers.dislikes,
      score: answers.score,
      createdAt: answers.createdAt,
      updatedAt: answers.updatedAt,
      deletedAt: answers.deletedAt,
      author: authorColumns,
      questionAuthorId: questions.authorId,
      questionDeletedAt: questions.deletedAt,
      acceptedAnswerId: questions.acceptedAnswerId,
    })
    .from(answers)
    .innerJoin(users, eq(users.id, answers.authorId))
    .innerJoin(questions, eq(questions.id, answers.questionId))
    .where(eq(answers.id, id));
  // Lock the question row too: acceptance, answer counts and activity all live there.
  const [row] = forUpdate ? await query.for('update', { of: [answers, questions] }) : await query;
  return row;
}

type AnswerRow = NonNullable<Awaited<ReturnType<typeof findAnswerRow>>>;

/** An answer is visible when it and its question are, or to moderators. */
function answerVisible(actor: SessionUser | null, row: AnswerRow): boolean {
  return visibleTo(actor, row.deletedAt) && visibleTo(actor, row.questionDeletedAt);
}

/** An answer row as the API's answer, with the caller's reaction. */
async function viewOf(db: Executor, actor: SessionUser | null, row: AnswerRow) {
  const mine = await reactionsOf(db, actor, 'answer', [row.id]);
  return {
    id: toId(row.id),
    questionId: toId(row.questionId),
    body: row.body,
    bodyHtml: row.bodyHtml,
    author: toUserSummary(row.author),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    likes: row.likes,
    dislikes: row.dislikes,
    score: row.score,
    accepted: row.acceptedAnswerId === row.id,
    myReaction: mine.get(row.id) ?? null,
    deleted: row.deletedAt !== null,
  };
}

async function reload(db: Executor, actor: SessionUser, id: number) {
  const row = await findAnswerRow(db, id);
  if (!row) throw notFound('answer');
  return viewOf(db, actor, row);
}

/**
 * `answer.create`: answers a live question (NOT_FOUND otherwise), bumps its answer count and activity,
 * saves the first revision and notifies the question's author, all in one transaction.
 */
export async function createAnswer(
  deps: Deps,
  actor: SessionUser,
  input: { questionId: number; body: string },
) {
  return deps.db.transaction(async (tx) => {
    const [question] = await tx
      .update(questions)
      .set({ answerCount: sql`${questions.answerCount} + 1`, lastActivityAt: new Date() })
      .where(and(eq(questions.id, input.questionId), isNull(questions.deletedAt)))
      .returning({ id: questions.id, authorId: questions.authorId });
    if (!question) throw notFound('question');
    const [created] = await tx
      .insert(answers)
      .values({
        questionId: question.id,
        authorId: actor.id,
        body: input.body,
        bodyHtml: renderMarkdown(input.body),
      })
      .returning({ id: answers.id });
    if (!created) throw new Error('insert returned no row');
    await saveRevision(tx, {
      targetType: 'answer',
      targetId: created.id,
      editorId: actor.id,
      title: null,
      body: input.body,
      tags: null,
    });
    await notify(tx, [
      {
        userId: question.authorId,
        actorId: actor.id,
        type: 'answer',
        questionId: question.id,
        answerId: created.id,
      },
    ]);
    return reload(tx, actor, created.id);
  });
}

/**
 * `answer.update`: author or moderator (policy `post.edit`); re-renders the body, bumps the question's
 * activity and saves a revision. An unchanged body writes nothing.
 */
export async function updateAnswer(deps: Deps, actor: SessionUser, input: { id: number; body: string }) {
  return deps.db.transaction(async (tx) => {
    const row = await findAnswerRow(tx, input.id, true);
    if (!row || !answerVisible(actor, row)) throw notFound('answer');
    assertCan(actor, 'post.edit', { authorId: row.authorId });
    if (input.body === row.body) return viewOf(tx, actor, row);
    const now = new Date();
    await tx
      .update(answers)
      .set({ body: input.body, bodyHtml: renderMarkdown(input.body), updatedAt: now })
      .where(eq(answers.id, row.id));
    await tx.update(questions).set({ lastActivityAt: now }).where(eq(questions.id, row.questionId));
    await saveRevision(tx, {
      targetType: 'answer',
      targetId: row.id,
      editorId: actor.id,
      title: null,
      body: input.body,
      tags: null,
    });
    return reload(tx, actor, row.id);
  });
}

/**
 * `answer.delete`: author or moderator (policy `post.delete`); a soft delete that lowers the question's
 * answer count and withdraws the acceptance if it was the accepted answer.
 */
export async function deleteAnswer(deps: Deps, actor: SessionUser, id: number): Promise<{ ok: true }> {
  return deps.db.transaction(async (tx) => {
    const row = await findAnswerRow(tx, id, true);
    if (!row || !answerVisible(actor, row)) throw notFound('answer');
    assertCan(actor, 'post.delete', { authorId: row.authorId });
    if (row.deletedAt !== null) return { ok: true as const };
    await tx.update(answers).set({ deletedAt: new Date() }).where(eq(answers.id, id));
    await tx
      .update(questions)
      .set({
        answerCount: sql`${questions.answerCount} - 1`,
        acceptedAnswerId: row.acceptedAnswerId === id ? null : row.acceptedAnswerId,
      })
      .where(eq(questions.id, row.questionId));
    return { ok: true as const };
  });
}

/** `answer.restore`: moderators (policy `post.restore`) bring a deleted answer back; idempotent. */
export async function restoreAnswer(deps: Deps, actor: SessionUser, id: number) {
  assertCan(actor, 'post.restore');
  return deps.db.transaction(async (tx) => {
    const row = await findAnswerRow(tx, id, true);
    if (!row) throw notFound('answer');
    if (row.deletedAt !== null) {
      await tx.update(answers).set({ deletedAt: null }).where(eq(answers.id, id));
      await tx
        .update(questions)
        .set({ answerCount: sql`${questions.answerCount} + 1` })
        .where(eq(questions.id, row.questionId));
    }
    return reload(tx, actor, id);
  });
}

/**
 * `answer.accept`: only the question's author (policy `answer.accept`). The acceptance is one column,
 * `questions.acceptedAnswerId`, so moving it from another answer is a single atomic UPDATE and exactly
 * one answer is accepted. Accepting the accepted answer again changes nothing and notifies nobody.
 */
export async function acceptAnswer(deps: Deps, actor: SessionUser, answerId: number) {
  return deps.db.transaction(async (tx) => {
    const row = await findAnswerRow(tx, answerId, true);
    if (!row || !answerVisible(actor, row) || row.deletedAt !== null || row.questionDeletedAt !== null) {
      throw notFound('answer');
    }
    assertCan(actor, 'answer.accept', { questionAuthorId: row.questionAuthorId });
    if (row.acceptedAnswerId !== row.id) {
      await tx.update(questions).set({ acceptedAnswerId: row.id }).where(eq(questions.id, row.questionId));
      await notify(tx, [
        {
          userId: row.authorId,
          actorId: actor.id,
          type: 'accepted',
          questionId: row.questionId,
          answerId: row.id,
        },
      ]);
    }
    return loadQuestionDetail(tx, actor, row.questionId);
  });
}

/** `answer.unaccept`: the question's author withdraws the acceptance of this answer; idempotent. */
export async function unacceptAnswer(deps: Deps, actor: SessionUser, answerId: number) {
  return deps.db.transaction(async (tx) => {
    const row = await findAnswerRow(tx, answerId, true);
    if (!row || !answerVisible(actor, row)) throw notFound('answer');
    assertCan(actor, 'answer.accept', { questionAuthorId: row.questionAuthorId });
    if (row.acceptedAnswerId === row.id) {
      await tx.update(questions).set({ acceptedAnswerId: null }).where(eq(questions.id, row.questionId));
    }
    return loadQuestionDetail(tx, actor, row.questionId);
  });
}

/** `answer.revisions`: every saved version of an answer, newest first. */
export async function answerRevisions(deps: Deps, actor: SessionUser | null, id: number) {
  const row = await findAnswerRow(deps.db, id);
  if (!row || !answerVisible(actor, row)) throw notFound('answer');
  return revisionsOf(deps.db, 'answer', id);
}

/**
 * `answer.byUser`: a user's live answers on live questions, newest first, with their question's title.
 * Keyset on (createdAt desc, id desc) over `answers_author_idx`.
 */
export async function answersByUser(
  deps: Deps,
  input: { userId: number; cursor?: string | null | undefined; limit: number },
) {
  const after = input.cursor ? decodeCursor(input.cursor, timeIdCursor) : null;
  const rows = await deps.db
    .select({
      id: answers.id,
      questionId: answers.questionId,
      questionTitle: questions.title,
      htmlStart: sql<string>`substr(${answers.bodyHtml}, 1, ${EXCERPT_SOURCE_CHARS})`,
      createdAt: answers.createdAt,
      likes: answers.likes,
      dislikes: answers.dislikes,
      score: answers.score,
      acceptedAnswerId: questions.acceptedAnswerId,
    })
    .from(answers)
    .innerJoin(questions, eq(questions.id, answers.questionId))
    .where(
      and(
        eq(answers.authorId, input.userId),
        isNull(answers.deletedAt),
        isNull(questions.deletedAt),
        after
          ? sql`(${answers.createdAt}, ${answers.id}) < (${after[0]}::timestamptz, ${after[1]})`
          : undefined,
      ),
    )
    .orderBy(desc(answers.createdAt), desc(answers.id))
    .limit(input.limit + 1);
  return toPage(
    rows,
    input.limit,
    (row) => ({
      id: toId(row.id),
      questionId: toId(row.questionId),
      questionTitle: row.questionTitle,
      excerpt: excerptOf(row.htmlStart),
      createdAt: toIso(row.createdAt),
      likes: row.likes,
      dislikes: row.dislikes,
      score: row.score,
      accepted: row.acceptedAnswerId === row.id,
    }),
    (row) => [toIso(row.createdAt), row.id],
  );
}
