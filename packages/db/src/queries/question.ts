import { and, asc, desc, eq, inArray, isNotNull, type Placeholder, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database, Executor } from '../client';
import { answers, questions, questionTags, tags, users } from '../schema';
import { perDatabase } from './prepared';
import { authorColumns } from './rows';
import { livePost } from './visibility';

// ---------------------------------------------------------------------------------------------------
// One question with its author

/** Who closed a question (a second join of `users`) and the original of a duplicate (of `questions`). */
const closer = alias(users, 'closer');
const original = alias(questions, 'original');

/** A question's counters and accepted answer: on its page and in lists alike. */
const questionCounterColumns = {
  likes: questions.likes,
  dislikes: questions.dislikes,
  score: questions.score,
  answerCount: questions.answerCount,
  viewCount: questions.viewCount,
  acceptedAnswerId: questions.acceptedAnswerId,
};

/**
 * The columns of a question row with its author under `author` and its closure (`closedBy…`,
 * `duplicateOfTitle`). Exported so the bench's bare twin reads the very rows this select returns
 * (bench/queries.ts).
 */
export const questionColumns = {
  id: questions.id,
  authorId: questions.authorId,
  title: questions.title,
  body: questions.body,
  bodyHtml: questions.bodyHtml,
  ...questionCounterColumns,
  createdAt: questions.createdAt,
  updatedAt: questions.updatedAt,
  lastActivityAt: questions.lastActivityAt,
  deletedAt: questions.deletedAt,
  hiddenAt: questions.hiddenAt,
  /** `livePost`: neither deleted nor hidden by flags. */
  live: livePost(questions),
  closedAt: questions.closedAt,
  closeReason: questions.closeReason,
  closedById: questions.closedById,
  duplicateOfId: questions.duplicateOfId,
  duplicateOfTitle: original.title,
  closedByUsername: closer.username,
  closedByDisplayName: closer.displayName,
  closedByAvatarUrl: closer.avatarUrl,
  author: authorColumns,
};

/** Questions joined to their authors (the one select of a question row). */
function questionSelect(db: Executor) {
  return db
    .select(questionColumns)
    .from(questions)
    .innerJoin(users, eq(users.id, questions.authorId))
    .leftJoin(closer, eq(closer.id, questions.closedById))
    .leftJoin(original, eq(original.id, questions.duplicateOfId));
}

/**
 * The select of one question with its author by primary key (`findQuestion` and the prepared
 * `question_by_id`). Exported so the bench explains this very SQL (bench/explain.ts).
 */
export function questionByIdQuery(db: Executor, id: number | Placeholder) {
  return questionSelect(db).where(eq(questions.id, id));
}

/**
 * One question with its author by primary key, deleted or not; undefined when there is none. `lock`
 * locks the question row (`FOR UPDATE OF questions`) until the transaction ends.
 */
export async function findQuestion(db: Executor, id: number, options: { lock?: boolean } = {}) {
  const query = questionByIdQuery(db, id);
  const [row] = options.lock ? await query.for('update', { of: questions }) : await query;
  return row;
}

/** A question row with its author, as `findQuestion` returns it. */
export type QuestionRow = NonNullable<Awaited<ReturnType<typeof findQuestion>>>;

// ---------------------------------------------------------------------------------------------------
// The answers of a question

/**
 * The columns of an answer as the API shows it, with its author under `author` (join `users`). Other
 * answer reads select these too (spread them), so `toAnswer` in `packages/api/src/domains/question/view.ts` shows them.
 */
export const answerColumns = {
  id: answers.id,
  questionId: answers.questionId,
  body: answers.body,
  bodyHtml: answers.bodyHtml,
  likes: answers.likes,
  dislikes: answers.dislikes,
  score: answers.score,
  createdAt: answers.createdAt,
  updatedAt: answers.updatedAt,
  deletedAt: answers.deletedAt,
  hiddenAt: answers.hiddenAt,
  author: authorColumns,
};

/**
 * The answers of a question with their authors, the accepted one first, then by score desc, then oldest
 * (reads `answers_question_idx`); deleted answers too unless `liveOnly`.
 */
function answersSelect(
  db: Executor,
  questionId: number | Placeholder,
  acceptedAnswerId: number | Placeholder,
  liveOnly: boolean,
) {
  return db
    .select(answerColumns)
    .from(answers)
    .innerJoin(users, eq(users.id, answers.authorId))
    .where(and(eq(answers.questionId, questionId), liveOnly ? livePost(answers) : undefined))
    .orderBy(sql`${answers.id} = ${acceptedAnswerId} desc`, desc(answers.score), asc(answers.id));
}

/** Which answers of which question `answersOfQuestion` reads. */
export type AnswersOfQuestionParams = {
  questionId: number;
  /** The question's accepted answer, listed first (null: none). */
  acceptedAnswerId: number | null;
  /** Include soft-deleted and hidden answers (what moderators see). */
  withDeleted: boolean;
};

/**
 * The select of `answersOfQuestion` (and of its prepared form). Exported so the bench explains and runs
 * this very SQL (bench/explain.ts).
 */
export function answersOfQuestionQuery(db: Executor, params: AnswersOfQuestionParams) {
  return answersSelect(db, params.questionId, params.acceptedAnswerId ?? 0, !params.withDeleted);
}

/** The answers of a question with their authors, accepted first, then score desc, then oldest. */
export async function answersOfQuestion(db: Executor, params: AnswersOfQuestionParams) {
  return answersOfQuestionQuery(db, params);
}

/** One answer with its author, as `answersOfQuestion` returns it. */
export type AnswerOfQuestionRow = Awaited<ReturnType<typeof answersOfQuestion>>[number];

// ---------------------------------------------------------------------------------------------------
// The prepared reads of `question.byId`, the hottest path

/**
 * `question.byId`'s reads as prepared statements, built and planned once per database handle instead of
 * per call (bench/RESULTS.md measures the difference).
 */
/**
 * `answersOfQuestion`'s select with the placeholders `questionId` and `accepted` (the accepted answer's
 * id, 0 for none): what the prepared statements run, and what the bench's bare twin sends.
 */
export function answersOfQuestionTemplate(db: Executor, liveOnly: boolean) {
  return answersSelect(db, sql.placeholder('questionId'), sql.placeholder('accepted'), liveOnly);
}

const byIdStatements = perDatabase((db) => {
  const answersStatement = (liveOnly: boolean, name: string) =>
    answersOfQuestionTemplate(db, liveOnly).prepare(name);
  return {
    question: questionByIdQuery(db, sql.placeholder('id')).prepare('question_by_id'),
    liveAnswers: answersStatement(true, 'answers_of_question_live'),
    allAnswers: answersStatement(false, 'answers_of_question_all'),
  };
});

/** `findQuestion` (without lock) as a prepared statement on the handle; never inside a transaction. */
export async function findQuestionPrepared(db: Database, id: number): Promise<QuestionRow | undefined> {
  const [row] = await byIdStatements(db).question.execute({ id });
  return row;
}

/** `answersOfQuestion` as a prepared statement on the handle; never inside a transaction. */
export async function answersOfQuestionPrepared(
  db: Database,
  params: AnswersOfQuestionParams,
): Promise<AnswerOfQuestionRow[]> {
  const statements = byIdStatements(db);
  const statement = params.withDeleted ? statements.allAnswers : statements.liveAnswers;
  return statement.execute({ questionId: params.questionId, accepted: params.acceptedAnswerId ?? 0 });
}

// ---------------------------------------------------------------------------------------------------
// Writes

/** Inserts a question; returns its id. */
export async function insertQuestion(
  db: Executor,
  values: { authorId: number; title: string; body: string; bodyHtml: string },
): Promise<number> {
  const [created] = await db.insert(questions).values(values).returning({ id: questions.id });
  if (!created) throw new Error('insert into questions returned no row');
  return created.id;
}

/** Replaces a question's title and body; `at` becomes its update and last-activity time. */
export async function updateQuestionContent(
  db: Executor,
  params: { id: number; title: string; body: string; bodyHtml: string; at: Date },
): Promise<void> {
  await db
    .update(questions)
    .set({
      title: params.title,
      body: params.body,
      bodyHtml: params.bodyHtml,
      updatedAt: params.at,
      lastActivityAt: params.at,
    })
    .where(eq(questions.id, params.id));
}

/** Soft-deletes a question (`deletedAt` a time) or restores it (`deletedAt` null). */
export async function setQuestionDeletedAt(
  db: Executor,
  params: { id: number; deletedAt: Date | null },
): Promise<void> {
  await db.update(questions).set({ deletedAt: params.deletedAt }).where(eq(questions.id, params.id));
}

/**
 * Counts one view of a question (`view_count + 1`) and returns the new count with the author (each
 * concurrent view sees its own count, so exactly one sees a milestone), or undefined when it is gone.
 */
export async function addQuestionView(
  db: Executor,
  id: number,
): Promise<{ viewCount: number; authorId: number } | undefined> {
  const [row] = await addQuestionViewQuery(db, id);
  return row;
}

/** The statement of `addQuestionView` (exported for the bench's bare twin, bench/queries.ts). */
export function addQuestionViewQuery(db: Executor, id: number | Placeholder) {
  return db
    .update(questions)
    .set({ viewCount: sql`${questions.viewCount} + 1` })
    .where(eq(questions.id, id))
    .returning({ viewCount: questions.viewCount, authorId: questions.authorId });
}

// ---------------------------------------------------------------------------------------------------
// Who a change shows up with (cache scopes)

/**
 * The author of a question and the author of its accepted answer (null: none), deleted or not;
 * undefined when the question does not exist.
 */
export async function questionAuthors(db: Executor, id: number) {
  const [row] = await questionAuthorsQuery(db, id);
  return row;
}

/**
 * The statement of `questionAuthors`. Exported so the bench's bare twin sends the very statement
 * (bench/write-twins.ts).
 */
export function questionAuthorsQuery(db: Executor, id: number | Placeholder) {
  return db
    .select({ authorId: questions.authorId, acceptedAuthorId: answers.authorId })
    .from(questions)
    .leftJoin(answers, eq(answers.id, questions.acceptedAnswerId))
    .where(eq(questions.id, id));
}

/** The question an answer belongs to and the answer's author; undefined when the answer does not exist. */
export async function answerOwner(db: Executor, answerId: number) {
  const [row] = await answerOwnerQuery(db, answerId);
  return row;
}

/**
 * The statement of `answerOwner`. Exported so the bench's bare twin sends the very statement
 * (bench/write-twins.ts).
 */
export function answerOwnerQuery(db: Executor, answerId: number | Placeholder) {
  return db
    .select({ questionId: answers.questionId, authorId: answers.authorId })
    .from(answers)
    .where(eq(answers.id, answerId));
}

// ---------------------------------------------------------------------------------------------------
// Lists of question summaries

/**
 * The columns of a list item; `htmlStart` is the first `htmlChars` characters of the rendered body.
 * Exported so the bench's bare twin reads the very rows `questionListQuery` returns (bench/queries.ts).
 */
export function summaryColumns(htmlChars: number) {
  return {
    id: questions.id,
    title: questions.title,
    htmlStart: sql<string>`substr(${questions.bodyHtml}, 1, ${htmlChars})`,
    createdAt: questions.createdAt,
    lastActivityAt: questions.lastActivityAt,
    ...questionCounterColumns,
    author: authorColumns,
  };
}

/** Question summaries with their authors (the one select of a list item). */
function summarySelect(db: Executor, htmlChars: number) {
  return db
    .select(summaryColumns(htmlChars))
    .from(questions)
    .innerJoin(users, eq(users.id, questions.authorId));
}

/** How `questionListQuery` filters, orders and pages. */
export type QuestionListParams = {
  sort: 'newest' | 'top' | 'unanswered' | 'active';
  tag?: string | undefined;
  authorId?: number | undefined;
  /** Soft-deleted questions only (true) or live ones only (false). */
  deleted: boolean;
  /**
   * The sort key of the previous page's last row — `[score, id]` for `top`, `[ISO timestamp, id]`
   * otherwise (`lastActivityAt` for `active`, `createdAt` else) — or none for the first page.
   */
  after?: readonly [number | string, number] | null | undefined;
  /** Rows to read. */
  limit: number;
  /** Characters of rendered HTML read for the excerpt. */
  htmlChars: number;
};

/** `QuestionListParams` whose values may also be placeholders (a statement rendered once). */
export type QuestionListStatementParams = Omit<QuestionListParams, 'after' | 'limit' | 'tag' | 'authorId'> & {
  tag?: string | Placeholder | undefined;
  authorId?: number | Placeholder | undefined;
  after?: readonly [number | string | Placeholder, number | Placeholder] | null | undefined;
  limit: number | Placeholder;
};

/**
 * The list of questions as asked: keyset pagination (never OFFSET) — the rows strictly after `after` in
 * the sort order, so rows inserted between page fetches never shift or repeat a page. Each sort walks an
 * index in order, so no sort step runs: newest `questions_created_idx`, unanswered the partial
 * `questions_unanswered_idx`, active `questions_activity_idx`, top `questions_score_idx`; with
 * `authorId`, `questions_author_idx`; with `tag`, a semi-join through `question_tags_tag_idx`.
 * Returns the statement unexecuted (await it for the rows) so tests can EXPLAIN exactly what runs.
 */
export function questionListQuery(db: Executor, params: QuestionListStatementParams) {
  const where: (SQL | undefined)[] = [params.deleted ? isNotNull(questions.deletedAt) : livePost(questions)];
  if (params.authorId !== undefined) where.push(eq(questions.authorId, params.authorId));
  if (params.tag !== undefined) {
    const tagged = db
      .select({ id: questionTags.questionId })
      .from(questionTags)
      .innerJoin(tags, eq(tags.id, questionTags.tagId))
      .where(eq(tags.slug, params.tag));
    where.push(inArray(questions.id, tagged));
  }
  const after = params.after;
  let order: SQL[];
  if (params.sort === 'top') {
    if (after) where.push(sql`(${questions.score}, ${questions.id}) < (${after[0]}, ${after[1]})`);
    order = [desc(questions.score), desc(questions.id)];
  } else {
    const column = params.sort === 'active' ? questions.lastActivityAt : questions.createdAt;
    if (params.sort === 'unanswered') where.push(eq(questions.answerCount, 0));
    if (after) where.push(sql`(${column}, ${questions.id}) < (${after[0]}::timestamptz, ${after[1]})`);
    order = [desc(column), desc(questions.id)];
  }
  return summarySelect(db, params.htmlChars)
    .where(and(...where))
    .orderBy(...order)
    .limit(params.limit);
}

/** One list item as `questionListQuery` and `questionSummariesByIds` return it. */
export type QuestionSummaryRow = Awaited<ReturnType<typeof questionListQuery>>[number];

/**
 * What makes two list statements different text: the values of `QuestionListParams` become placeholders,
 * their presence and the sort do not.
 */
function listShape(params: QuestionListParams): string {
  const has = (value: unknown) => (value === undefined || value === null ? '-' : '+');
  return [
    params.sort,
    params.deleted,
    params.htmlChars,
    has(params.tag),
    has(params.authorId),
    has(params.after),
  ].join(':');
}

/** `questionListQuery` with placeholders for every value of `params`: the statement of one shape. */
function listTemplate(db: Executor, params: QuestionListParams) {
  return questionListQuery(db, {
    sort: params.sort,
    deleted: params.deleted,
    htmlChars: params.htmlChars,
    tag: params.tag === undefined ? undefined : sql.placeholder('tag'),
    authorId: params.authorId === undefined ? undefined : sql.placeholder('authorId'),
    after: params.after ? [sql.placeholder('at'), sql.placeholder('id')] : null,
    limit: sql.placeholder('limit'),
  });
}

/** The prepared list statements of a database handle, one per shape, built on first use. */
const listStatements = perDatabase(
  () => new Map<string, ReturnType<ReturnType<typeof listTemplate>['prepare']>>(),
);

/**
 * `questionListQuery` as a prepared statement per shape (sort, filters present, first page or not), built
 * once per database handle: Drizzle neither rebuilds nor re-renders the list per request (the text is the
 * one `questionListQuery` renders, values bound). Runs on the database, never inside a transaction.
 */
export async function listQuestionsPrepared(
  db: Database,
  params: QuestionListParams,
): Promise<QuestionSummaryRow[]> {
  const statements = listStatements(db);
  const shape = listShape(params);
  let statement = statements.get(shape);
  if (!statement) {
    statement = listTemplate(db, params).prepare(`question_list_${statements.size}`);
    statements.set(shape, statement);
  }
  return statement.execute({
    tag: params.tag,
    authorId: params.authorId,
    at: params.after?.[0],
    id: params.after?.[1],
    limit: params.limit,
  });
}

/**
 * The statement of `questionSummariesByIds`: the ids as one array parameter, so every page sends the same
 * text. Ids or a placeholder; exported for the bench's bare twin (bench/queries.ts).
 */
export function questionSummariesByIdsQuery(
  db: Executor,
  ids: readonly number[] | Placeholder,
  htmlChars: number,
) {
  return summarySelect(db, htmlChars).where(sql`${questions.id} = any(${sql.param(ids)}::bigint[])`);
}

/** `questionSummariesByIds`'s prepared statements, one per excerpt length, built on first use. */
const summariesStatements = perDatabase(
  () => new Map<number, ReturnType<ReturnType<typeof questionSummariesByIdsQuery>['prepare']>>(),
);

/**
 * The summaries of the questions `ids` (in no particular order; missing ids are left out), through a
 * prepared statement. Runs on the database, never inside a transaction.
 */
export async function questionSummariesByIds(
  db: Database,
  params: { ids: number[]; htmlChars: number },
): Promise<QuestionSummaryRow[]> {
  if (params.ids.length === 0) return [];
  const statements = summariesStatements(db);
  let statement = statements.get(params.htmlChars);
  if (!statement) {
    statement = questionSummariesByIdsQuery(db, sql.placeholder('ids'), params.htmlChars).prepare(
      `question_summaries_${params.htmlChars}`,
    );
    statements.set(params.htmlChars, statement);
  }
  return statement.execute({ ids: params.ids });
}
