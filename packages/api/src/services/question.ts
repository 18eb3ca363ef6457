import { answers, type Database, type Executor, questions, questionTags, tags, users } from '@devflow/db';
import { and, asc, desc, eq, inArray, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import type { SessionUser } from '../context';
import type { ApiDeps } from '../deps';
import { toId, toIso } from '../schemas/common';
import { renderMarkdown } from './markdown';
import { decodeCursor, rankIdCursor, scoreIdCursor, timeIdCursor, toPage } from './pagination';
import { assertCan, can } from './policy';
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
import { searchQuestionIds } from './question-search';
import { adjustTagUsage, attachTags, detachTags, tagsOf } from './tag';

/** What question services need from the world. */
type Deps = Pick<ApiDeps, 'db'>;

const questionColumns = {
  id: questions.id,
  authorId: questions.authorId,
  title: questions.title,
  body: questions.body,
  bodyHtml: questions.bodyHtml,
  likes: questions.likes,
  dislikes: questions.dislikes,
  score: questions.score,
  answerCount: questions.answerCount,
  viewCount: questions.viewCount,
  acceptedAnswerId: questions.acceptedAnswerId,
  createdAt: questions.createdAt,
  updatedAt: questions.updatedAt,
  lastActivityAt: questions.lastActivityAt,
  deletedAt: questions.deletedAt,
  author: authorColumns,
};

/** A question row with its author, as the queries below return it. */
type QuestionRow = {
  id: number;
  authorId: number;
  title: string;
  body: string;
  bodyHtml: string;
  likes: number;
  dislikes: number;
  score: number;
  answerCount: number;
  viewCount: number;
  acceptedAnswerId: number | null;
  createdAt: Date;
  updatedAt: Date;
  lastActivityAt: Date;
  deletedAt: Date | null;
  author: { id: number; username: string; displayName: string | null; avatarUrl: string | null };
};

/** One question with its author by primary key; `forUpdate` locks the row for the transaction. */
async function findQuestionRow(
  db: Executor,
  id: number,
  forUpdate = false,
): Promise<QuestionRow | undefined> {
  const query = db
    .select(questionColumns)
    .from(questions)
    .innerJoin(users, eq(users.id, questions.authorId))
    .where(eq(questions.id, id));
  const [row] = forUpdate ? await query.for('update', { of: questions }) : await query;
  return row;
}

/**
 * The prepared forms of question.byId's reads (the hottest path), built once per database handle: built
 * and planned once instead of per call (PITFALLS.md; unprepared they cost 2–3× here, bench/RESULTS.md).
 */
const byIdStatements = new WeakMap<Database, ReturnType<typeof prepareById>>();

function prepareById(db: Database) {
  const answersWhere = (liveOnly: boolean) =>
    and(
      eq(answers.questionId, sql.placeholder('questionId')),
      liveOnly ? isNull(answers.deletedAt) : undefined,
    );
  const answersOfQuestion = (liveOnly: boolean, name: string) =>
    db
      .select(answerColumns)
      .from(answers)
      .innerJoin(users, eq(users.id, answers.authorId))
      .where(answersWhere(liveOnly))
      .orderBy(sql`${answers.id} = ${sql.placeholder('accepted')} desc`, desc(answers.score), asc(answers.id))
      .prepare(name);
  return {
    question: db
      .select(questionColumns)
      .from(questions)
      .innerJoin(users, eq(users.id, questions.authorId))
      .where(eq(questions.id, sql.placeholder('id')))
      .prepare('question_by_id'),
    tags: db
      .select({ slug: tags.slug })
      .from(questionTags)
      .innerJoin(tags, eq(tags.id, questionTags.tagId))
      .where(eq(questionTags.questionId, sql.placeholder('id')))
      .orderBy(asc(tags.slug))
      .prepare('tags_of_question'),
    liveAnswers: answersOfQuestion(true, 'answers_of_question_live'),
    allAnswers: answersOfQuestion(false, 'answers_of_question_all'),
  };
}

function preparedById(db: Database) {
  let statements = byIdStatements.get(db);
  if (!statements) {
    statements = prepareById(db);
    byIdStatements.set(db, statements);
  }
  return statements;
}

/** A question row as the API's question (without answers). */
function toQuestion(row: QuestionRow, tagList: string[], mine: 'like' | 'dislike' | null) {
  return {
    id: toId(row.id),
    title: row.title,
    body: row.body,
    bodyHtml: row.bodyHtml,
    tags: tagList,
    author: toUserSummary(row.author),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    lastActivityAt: toIso(row.lastActivityAt),
    likes: row.likes,
    dislikes: row.dislikes,
    score: row.score,
    answerCount: row.answerCount,
    viewCount: row.viewCount,
    acceptedAnswerId: row.acceptedAnswerId === null ? null : toId(row.acceptedAnswerId),
    myReaction: mine,
    deleted: row.deletedAt !== null,
  };
}

/** The API's question type. */
export type QuestionView = ReturnType<typeof toQuestion>;

/**
 * Answers of a question as `actor` sees them: accepted first, then score desc, then oldest (reads
 * `answers_question_idx`). Deleted answers only reach moderators.
 */
export async function answersOf(db: Executor, actor: SessionUser | null, question: QuestionRow) {
  const accepted = question.acceptedAnswerId ?? 0;
  const rows = await db
    .select(answerColumns)
    .from(answers)
    .innerJoin(users, eq(users.id, answers.authorId))
    .where(
      and(
        eq(answers.questionId, question.id),
        can(actor, 'post.viewDeleted') ? undefined : isNull(answers.deletedAt),
      ),
    )
    .orderBy(sql`${answers.id} = ${accepted} desc`, desc(answers.score), asc(answers.id));
  return toAnswers(db, actor, question, rows);
}

const answerColumns = {
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
  author: authorColumns,
};

type AnswerRow = {
  id: number;
  questionId: number;
  body: string;
  bodyHtml: string;
  likes: number;
  dislikes: number;
  score: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  author: { id: number; username: string; displayName: string | null; avatarUrl: string | null };
};

/** Answer rows as the API's answers, with the caller's reactions. */
async function toAnswers(db: Executor, actor: SessionUser | null, question: QuestionRow, rows: AnswerRow[]) {
  const mine = await reactionsOf(
    db,
    actor,
    'answer',
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
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
    accepted: row.id === question.acceptedAnswerId,
    myReaction: mine.get(row.id) ?? null,
    deleted: row.deletedAt !== null,
  }));
}

/** A question row with its tags and the caller's reaction, ready to return. */
async function viewOf(db: Executor, actor: SessionUser | null, row: QuestionRow): Promise<QuestionView> {
  const [tagMap, mine] = await Promise.all([
    tagsOf(db, [row.id]),
    reactionsOf(db, actor, 'question', [row.id]),
  ]);
  return toQuestion(row, tagMap.get(row.id) ?? [], mine.get(row.id) ?? null);
}

/**
 * Loads a question with its answers as `actor` may see it (NOT_FOUND when missing, or deleted and the
 * actor is no moderator). Counts nothing: mutations use it to answer with the fresh state.
 */
export async function loadQuestionDetail(db: Executor, actor: SessionUser | null, id: number) {
  const row = await findQuestionRow(db, id);
  if (!row || !visibleTo(actor, row.deletedAt)) throw notFound('question');
  const [view, answerList] = await Promise.all([viewOf(db, actor, row), answersOf(db, actor, row)]);
  return { ...view, answers: answerList };
}

/**
 * `question.byId`'s payload as `actor` may see it (NOT_FOUND when hidden), read with prepared statements
 * (the hottest read, PITFALLS.md). Counts nothing: views are counted once per viewer by the cached read
 * (`services/cached-reads.ts`), which also caches the anonymous form of this payload.
 */
export async function getQuestion(deps: Deps, actor: SessionUser | null, id: number) {
  const statements = preparedById(deps.db);
  const [row] = await statements.question.execute({ id });
  if (!row || !visibleTo(actor, row.deletedAt)) throw notFound('question');
  const answerStatement = can(actor, 'post.viewDeleted') ? statements.allAnswers : statements.liveAnswers;
  const [tagRows, mine, answerRows] = await Promise.all([
    statements.tags.execute({ id }),
    reactionsOf(deps.db, actor, 'question', [row.id]),
    answerStatement.execute({ questionId: id, accepted: row.acceptedAnswerId ?? 0 }),
  ]);
  const answerList = await toAnswers(deps.db, actor, row, answerRows);
  return {
    ...toQuestion(
      row,
      tagRows.map((tag) => tag.slug),
      mine.get(row.id) ?? null,
    ),
    answers: answerList,
  };
}

/** `question.create`: the question, its tags (created on first use) and its first revision, at once. */
export async function createQuestion(
  deps: Deps,
  actor: SessionUser,
  input: { title: string; body: string; tags: string[] },
): Promise<QuestionView> {
  return deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(questions)
      .values({
        authorId: actor.id,
        title: input.title,
        body: input.body,
        bodyHtml: renderMarkdown(input.body),
      })
      .returning({ id: questions.id });
    if (!created) throw new Error('insert returned no row');
    await attachTags(tx, created.id, input.tags, true);
    await saveRevision(tx, {
      targetType: 'question',
      targetId: created.id,
      editorId: actor.id,
      title: input.title,
      body: input.body,
      tags: [...input.tags].sort(),
    });
    const row = await findQuestionRow(tx, created.id);
    if (!row) throw new Error('created question vanished');
    return viewOf(tx, actor, row);
  });
}

/**
 * `question.update`: author or moderator (policy `post.edit`). Changes only the given fields, re-renders
 * the body, moves tag usage counts, bumps activity and saves a full revision — unless nothing changed,
 * in which case nothing is written.
 */
export async function updateQuestion(
  deps: Deps,
  actor: SessionUser,
  input: { id: number; title?: string | undefined; body?: string | undefined; tags?: string[] | undefined },
): Promise<QuestionView> {
  return deps.db.transaction(async (tx) => {
    const row = await findQuestionRow(tx, input.id, true);
    if (!row || !visibleTo(actor, row.deletedAt)) throw notFound('question');
    assertCan(actor, 'post.edit', { authorId: row.authorId });
    const current = (await tagsOf(tx, [row.id])).get(row.id) ?? [];
    const title = input.title ?? row.title;
    const body = input.body ?? row.body;
    const nextTags = input.tags ? [...input.tags].sort() : current;
    const added = nextTags.filter((slug) => !current.includes(slug));
    const removed = current.filter((slug) => !nextTags.includes(slug));
    if (title === row.title && body === row.body && added.length === 0 && removed.length === 0) {
      return viewOf(tx, actor, row);
    }
    const now = new Date();
    await tx
      .update(questions)
      .set({
        title,
        body,
        bodyHtml: body === row.body ? row.bodyHtml : renderMarkdown(body),
        updatedAt: now,
        lastActivityAt: now,
      })
      .where(eq(questions.id, row.id));
    const live = row.deletedAt === null;
    await detachTags(tx, row.id, removed, live);
    await attachTags(tx, row.id, added, live);
    await saveRevision(tx, {
      targetType: 'question',
      targetId: row.id,
      editorId: actor.id,
      title,
      body,
      tags: nextTags,
    });
    const updated = await findQuestionRow(tx, row.id);
    if (!updated) throw notFound('question');
    return viewOf(tx, actor, updated);
  });
}

/**
 * `question.delete`: author or moderator (policy `post.delete`); a soft delete that takes the question
 * out of lists, search and tag counts. Deleting an already deleted question (moderators) is a no-op.
 */
export async function deleteQuestion(deps: Deps, actor: SessionUser, id: number): Promise<{ ok: true }> {
  return deps.db.transaction(async (tx) => {
    const row = await findQuestionRow(tx, id, true);
    if (!row || !visibleTo(actor, row.deletedAt)) throw notFound('question');
    assertCan(actor, 'post.delete', { authorId: row.authorId });
    if (row.deletedAt !== null) return { ok: true as const };
    await tx.update(questions).set({ deletedAt: new Date() }).where(eq(questions.id, id));
    await adjustTagUsage(tx, (await tagsOf(tx, [id])).get(id) ?? [], -1);
    return { ok: true as const };
  });
}

/** `question.restore`: moderators (policy `post.restore`) bring a deleted question back; idempotent. */
export async function restoreQuestion(deps: Deps, actor: SessionUser, id: number): Promise<QuestionView> {
  assertCan(actor, 'post.restore');
  return deps.db.transaction(async (tx) => {
    const row = await findQuestionRow(tx, id, true);
    if (!row) throw notFound('question');
    if (row.deletedAt !== null) {
      await tx.update(questions).set({ deletedAt: null }).where(eq(questions.id, id));
      await adjustTagUsage(tx, (await tagsOf(tx, [id])).get(id) ?? [], 1);
      row.deletedAt = null;
    }
    return viewOf(tx, actor, row);
  });
}

/** `question.revisions`: every saved version, newest first (NOT_FOUND when the question is hidden). */
export async function questionRevisions(deps: Deps, actor: SessionUser | null, id: number) {
  const row = await findQuestionRow(deps.db, id);
  if (!row || !visibleTo(actor, row.deletedAt)) throw notFound('question');
  return revisionsOf(deps.db, 'question', id);
}

const summaryColumns = {
  id: questions.id,
  title: questions.title,
  htmlStart: sql<string>`substr(${questions.bodyHtml}, 1, ${EXCERPT_SOURCE_CHARS})`,
  createdAt: questions.createdAt,
  lastActivityAt: questions.lastActivityAt,
  likes: questions.likes,
  dislikes: questions.dislikes,
  score: questions.score,
  answerCount: questions.answerCount,
  viewCount: questions.viewCount,
  acceptedAnswerId: questions.acceptedAnswerId,
  author: authorColumns,
};

type SummaryRow = {
  id: number;
  title: string;
  htmlStart: string;
  createdAt: Date;
  lastActivityAt: Date;
  likes: number;
  dislikes: number;
  score: number;
  answerCount: number;
  viewCount: number;
  acceptedAnswerId: number | null;
  author: { id: number; username: string; displayName: string | null; avatarUrl: string | null };
};

/** Turns summary rows into `questionSummary` items, loading all their tags in one query. */
async function toSummaries(db: Executor, rows: SummaryRow[]) {
  const tagMap = await tagsOf(
    db,
    rows.map((row) => row.id),
  );
  return (row: SummaryRow) => ({
    id: toId(row.id),
    title: row.title,
    excerpt: excerptOf(row.htmlStart),
    tags: tagMap.get(row.id) ?? [],
    author: toUserSummary(row.author),
    createdAt: toIso(row.createdAt),
    lastActivityAt: toIso(row.lastActivityAt),
    likes: row.likes,
    dislikes: row.dislikes,
    score: row.score,
    answerCount: row.answerCount,
    viewCount: row.viewCount,
    hasAcceptedAnswer: row.acceptedAnswerId !== null,
  });
}

/** Input of `listQuestions`. */
export type ListQuestionsParams = {
  sort: 'newest' | 'top' | 'unanswered' | 'active';
  tag?: string | undefined;
  authorId?: number | undefined;
  deleted: boolean;
  cursor?: string | null | undefined;
  limit: number;
};

/**
 * The `question.list` query: keyset pagination (never OFFSET) — each page is the rows strictly after
 * the last row's sort key, so rows inserted between page fetches never shift or repeat a page. Each sort
 * walks an index in order, so no sort step runs: newest `questions_created_idx`, unanswered the partial
 * `questions_unanswered_idx`, active `questions_activity_idx`, top `questions_score_idx`; with
 * `authorId`, `questions_author_idx`; with `tag`, a semi-join through `question_tags_tag_idx`.
 * Exported (with the cursor of a row) so tests can EXPLAIN exactly what runs.
 */
export function listQuestionsQuery(db: Executor, params: ListQuestionsParams) {
  const where: (SQL | undefined)[] = [
    params.deleted ? isNotNull(questions.deletedAt) : isNull(questions.deletedAt),
  ];
  if (params.authorId !== undefined) where.push(eq(questions.authorId, params.authorId));
  if (params.tag !== undefined) {
    const tagged = db
      .select({ id: questionTags.questionId })
      .from(questionTags)
      .innerJoin(tags, eq(tags.id, questionTags.tagId))
      .where(eq(tags.slug, params.tag));
    where.push(inArray(questions.id, tagged));
  }
  let order: SQL[];
  let cursorOf: (row: SummaryRow) => (string | number)[];
  if (params.sort === 'top') {
    if (params.cursor) {
      const [score, id] = decodeCursor(params.cursor, scoreIdCursor);
      where.push(sql`(${questions.score}, ${questions.id}) < (${score}, ${id})`);
    }
    order = [desc(questions.score), desc(questions.id)];
    cursorOf = (row) => [row.score, row.id];
  } else {
    const column = params.sort === 'active' ? questions.lastActivityAt : questions.createdAt;
    if (params.sort === 'unanswered') where.push(eq(questions.answerCount, 0));
    if (params.cursor) {
      const [at, id] = decodeCursor(params.cursor, timeIdCursor);
      where.push(sql`(${column}, ${questions.id}) < (${at}::timestamptz, ${id})`);
    }
    order = [desc(column), desc(questions.id)];
    cursorOf = (row) => [toIso(params.sort === 'active' ? row.lastActivityAt : row.createdAt), row.id];
  }
  const query = db
    .select(summaryColumns)
    .from(questions)
    .innerJoin(users, eq(users.id, questions.authorId))
    .where(and(...where))
    .orderBy(...order)
    .limit(params.limit + 1);
  return { query, cursorOf };
}

/**
 * `question.list`: questions sorted and filtered as asked, one keyset page at a time (see
 * `listQuestionsQuery`). `deleted: true` lists soft-deleted questions (moderators only, policy
 * `post.viewDeleted`).
 */
export async function listQuestions(deps: Deps, actor: SessionUser | null, params: ListQuestionsParams) {
  if (params.deleted) assertCan(actor, 'post.viewDeleted');
  const { query, cursorOf } = listQuestionsQuery(deps.db, params);
  const rows = await query;
  const toItem = await toSummaries(deps.db, rows);
  return toPage(rows, params.limit, toItem, cursorOf);
}

/**
 * `question.search`: ranked full-text search (see `searchQuestionIds`), paginated by the keyset
 * `(rank, id)`.
 */
export async function searchQuestions(
  deps: Deps,
  params: { q: string; cursor?: string | null | undefined; limit: number },
) {
  const after = params.cursor ? decodeCursor(params.cursor, rankIdCursor) : null;
  const hits = await searchQuestionIds(deps.db, { q: params.q, after, limit: params.limit + 1 });
  const rows =
    hits.length === 0
      ? []
      : await deps.db
          .select(summaryColumns)
          .from(questions)
          .innerJoin(users, eq(users.id, questions.authorId))
          .where(
            inArray(
              questions.id,
              hits.map((hit) => hit.id),
            ),
          );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const toItem = await toSummaries(deps.db, rows);
  const ranked = hits.flatMap((hit) => {
    const row = byId.get(hit.id);
    return row ? [{ hit, row }] : [];
  });
  return toPage(
    ranked,
    params.limit,
    ({ row }) => toItem(row),
    ({ hit }) => [hit.rank, hit.id],
  );
}
