import { and, desc, eq, isNull, Placeholder, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { answers, questions, users } from '../schema';
import { answerColumns } from './question';
import type { Bindable } from './rows';
import { livePost } from './visibility';

/**
 * An answer with its author, its question's author, acceptance and deletion, or undefined when it does
 * not exist. With `lock`, the answer's row and its question's are locked until the transaction ends
 * (acceptance, answer counts and activity all live on the question).
 */
export async function findAnswer(db: Executor, params: { id: number; lock: boolean }) {
  const query = findAnswerQuery(db, params.id);
  const [row] = params.lock ? await query.for('update', { of: [answers, questions] }) : await query;
  return row;
}

/**
 * The columns `findAnswer` reads. Exported so the bench's bare twin reads the very rows (bench/write-twins.ts).
 */
export const answerDetailColumns = {
  ...answerColumns,
  authorId: answers.authorId,
  questionAuthorId: questions.authorId,
  questionDeletedAt: questions.deletedAt,
  /** The answer is live (`livePost`). */
  live: livePost(answers),
  /** Its question is live (`livePost`). */
  questionLive: livePost(questions),
  questionClosedAt: questions.closedAt,
  acceptedAnswerId: questions.acceptedAnswerId,
};

/**
 * The statement of `findAnswer` without lock (`answerDetailColumns`). Exported so the bench's bare twin
 * sends the very statement (bench/write-twins.ts).
 */
export function findAnswerQuery(db: Executor, id: number | Placeholder) {
  return db
    .select(answerDetailColumns)
    .from(answers)
    .innerJoin(users, eq(users.id, answers.authorId))
    .innerJoin(questions, eq(questions.id, answers.questionId))
    .where(eq(answers.id, id));
}

/** One answer as `findAnswer` reads it. */
export type AnswerRow = NonNullable<Awaited<ReturnType<typeof findAnswer>>>;

/**
 * Counts one more answer on a live, open question and bumps its activity; returns the question's id and
 * author, or undefined when the question is missing, not live or closed (then nothing changed).
 */
export async function countNewAnswer(db: Executor, params: { questionId: number; at: Date }) {
  const [question] = await countNewAnswerQuery(db, params);
  return question;
}

/**
 * The statement of `countNewAnswer`. Exported so the bench's bare twin sends the very statement
 * (bench/write-twins.ts).
 */
export function countNewAnswerQuery(db: Executor, params: Bindable<{ questionId: number; at: Date }>) {
  const { at } = params;
  return db
    .update(questions)
    .set({
      answerCount: sql`${questions.answerCount} + 1`,
      // `set` takes no placeholder: a bound value goes in as a parameter of its own, the same `$n`.
      lastActivityAt: at instanceof Placeholder ? sql`${at}` : at,
    })
    .where(and(eq(questions.id, params.questionId), livePost(questions), isNull(questions.closedAt)))
    .returning({ id: questions.id, authorId: questions.authorId, answerCount: questions.answerCount });
}

/** Inserts an answer; returns its id. */
export async function insertAnswer(
  db: Executor,
  params: { questionId: number; authorId: number; body: string; bodyHtml: string },
): Promise<{ id: number }> {
  const [created] = await insertAnswerQuery(db, params);
  if (!created) throw new Error('insert into answers returned no row');
  return created;
}

/**
 * The statement of `insertAnswer`; exported so the bench explains this very SQL (bench/explain.ts) and its
 * bare twin sends it (bench/write-twins.ts).
 */
export function insertAnswerQuery(
  db: Executor,
  params: Bindable<{ questionId: number; authorId: number; body: string; bodyHtml: string }>,
) {
  return db.insert(answers).values(params).returning({ id: answers.id });
}

/** Replaces an answer's body and its rendering. */
export async function updateAnswerBody(
  db: Executor,
  params: { id: number; body: string; bodyHtml: string; at: Date },
): Promise<void> {
  await db
    .update(answers)
    .set({ body: params.body, bodyHtml: params.bodyHtml, updatedAt: params.at })
    .where(eq(answers.id, params.id));
}

/** Bumps a question's last activity (an answer to it changed). */
export async function touchQuestionActivity(
  db: Executor,
  params: { questionId: number; at: Date },
): Promise<void> {
  await db.update(questions).set({ lastActivityAt: params.at }).where(eq(questions.id, params.questionId));
}

/** Soft-deletes an answer (`deletedAt` a time) or brings it back (null); the counts are the caller's. */
export async function setAnswerDeletedAt(
  db: Executor,
  params: { id: number; deletedAt: Date | null },
): Promise<void> {
  await db.update(answers).set({ deletedAt: params.deletedAt }).where(eq(answers.id, params.id));
}

/** Counts one answer less on its question and sets the question's accepted answer (null: none). */
export async function uncountAnswer(
  db: Executor,
  params: { questionId: number; acceptedAnswerId: number | null },
): Promise<{ answerCount: number }> {
  const [row] = await db
    .update(questions)
    .set({ answerCount: sql`${questions.answerCount} - 1`, acceptedAnswerId: params.acceptedAnswerId })
    .where(eq(questions.id, params.questionId))
    .returning({ answerCount: questions.answerCount });
  return { answerCount: row?.answerCount ?? 0 };
}

/** Counts a restored answer on its question again. */
export async function recountAnswer(db: Executor, questionId: number): Promise<{ answerCount: number }> {
  const [row] = await db
    .update(questions)
    .set({ answerCount: sql`${questions.answerCount} + 1` })
    .where(eq(questions.id, questionId))
    .returning({ answerCount: questions.answerCount });
  return { answerCount: row?.answerCount ?? 0 };
}

/**
 * Sets the accepted answer of a question (null: none). One column, so moving the acceptance from another
 * answer is a single atomic UPDATE and at most one answer is accepted.
 */
export async function setAcceptedAnswer(
  db: Executor,
  params: { questionId: number; answerId: number | null },
): Promise<void> {
  await db
    .update(questions)
    .set({ acceptedAnswerId: params.answerId })
    .where(eq(questions.id, params.questionId));
}

/**
 * A user's live answers on live questions, newest first, after the keyset `after` = (createdAt as ISO,
 * id), with their question's title and the first `htmlChars` characters of the rendered body (for an
 * excerpt); `limit` rows. Reads `answers_author_idx` (author_id, created_at desc, id desc).
 */
export async function answersByAuthor(
  db: Executor,
  params: { userId: number; after: readonly [string, number] | null; limit: number; htmlChars: number },
) {
  const { after } = params;
  return db
    .select({
      id: answers.id,
      questionId: answers.questionId,
      questionTitle: questions.title,
      htmlStart: sql<string>`substr(${answers.bodyHtml}, 1, ${params.htmlChars})`,
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
        eq(answers.authorId, params.userId),
        livePost(answers),
        livePost(questions),
        after
          ? sql`(${answers.createdAt}, ${answers.id}) < (${after[0]}::timestamptz, ${after[1]})`
          : undefined,
      ),
    )
    .orderBy(desc(answers.createdAt), desc(answers.id))
    .limit(params.limit);
}
