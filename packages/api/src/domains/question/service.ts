import { toIso } from '@devflow/contract';
import {
  answersOfQuestion,
  answersOfQuestionPrepared,
  type Database,
  type Executor,
  findQuestion,
  findQuestionPrepared,
  insertQuestion,
  insertQuestionWatch,
  listQuestionsPrepared,
  type QuestionListParams,
  type QuestionRow,
  type QuestionSummaryRow,
  questionListQuery,
  setQuestionDeletedAt,
  tagsOfQuestionPrepared,
  updateQuestionContent,
} from '@devflow/db';
import type { ApiDeps } from '../../deps';
import { invalidateCommitted, mergeChanged, questionScope } from '../../platform/cache/scopes';
import { renderMarkdown } from '../../platform/markdown';
import { decodeCursor, scoreIdCursor, timeIdCursor, toPage } from '../../platform/pagination';
import { assertCan, assertMay, can } from '../../platform/policy';
import type { SessionUser } from '../../trpc/context';
import { awardBadge } from '../badge/service';
import { liveTransaction, postKey } from '../live/events';
import { queueFirstPost } from '../moderation/first-posts';
import { notifyNewQuestion } from '../notification/events';
import {
  EXCERPT_SOURCE_CHARS,
  notFound,
  reactionsOf,
  revisionsOf,
  saveRevision,
  visibleTo,
} from '../posts/posts';
import { adjustTagUsage, attachTags, detachTags, tagsOf, tagsOfPage } from '../tag/service';
import { type AnswerViewRow, type QuestionView, toAnswer, toQuestion, toQuestionSummary } from './view';

/** What question services need from the world. */
type Deps = Pick<ApiDeps, 'db' | 'cache' | 'log' | 'live' | 'config' | 'jobs'>;

/** Answer rows as the API's answers of `question`, with the caller's reactions. */
async function toAnswers(
  db: Executor,
  actor: SessionUser | null,
  question: QuestionRow,
  rows: AnswerViewRow[],
) {
  const mine = await reactionsOf(
    db,
    actor,
    'answer',
    rows.map((row) => row.id),
  );
  return rows.map((row) => toAnswer(row, question.acceptedAnswerId, mine.get(row.id) ?? null));
}

/**
 * Answers of a question as `actor` sees them: accepted first, then score desc, then oldest (reads
 * `answers_question_idx`). Deleted answers only reach moderators.
 */
export async function answersOf(db: Executor, actor: SessionUser | null, question: QuestionRow) {
  const rows = await answersOfQuestion(db, {
    questionId: question.id,
    acceptedAnswerId: question.acceptedAnswerId,
    withDeleted: can(actor, 'post.viewDeleted'),
  });
  return toAnswers(db, actor, question, rows);
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
  const row = await findQuestion(db, id);
  if (!row || !visibleTo(actor, row.live)) throw notFound('question');
  const [view, answerList] = await Promise.all([viewOf(db, actor, row), answersOf(db, actor, row)]);
  return { ...view, answers: answerList };
}

/**
 * `question.byId`'s payload as `actor` may see it (NOT_FOUND when hidden), read with prepared statements
 * (the hottest read; bench/RESULTS.md). Counts nothing: views are counted once per viewer by the cached read
 * (`reads.ts` beside this file), which also caches the anonymous form of this payload.
 */
export async function getQuestion(deps: Deps, actor: SessionUser | null, id: number) {
  const row = await findQuestionPrepared(deps.db, id);
  if (!row || !visibleTo(actor, row.live)) throw notFound('question');
  const [tagRows, mine, answerRows] = await Promise.all([
    tagsOfQuestionPrepared(deps.db, id),
    reactionsOf(deps.db, actor, 'question', [row.id]),
    answersOfQuestionPrepared(deps.db, {
      questionId: id,
      acceptedAnswerId: row.acceptedAnswerId,
      withDeleted: can(actor, 'post.viewDeleted'),
    }),
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

/**
 * `question.create`: the question, its tags (created on first use), its first revision, the author's
 * watch and the notifications of the tags' watchers, at once.
 */
export async function createQuestion(
  deps: Deps,
  actor: SessionUser,
  input: { title: string; body: string; tags: string[] },
): Promise<QuestionView> {
  const created = await deps.db.transaction(async (tx) => {
    const createdId = await insertQuestion(tx, {
      authorId: actor.id,
      title: input.title,
      body: input.body,
      bodyHtml: renderMarkdown(input.body),
    });
    await attachTags(tx, createdId, input.tags, true);
    await queueFirstPost(tx, actor, 'question', createdId);
    await saveRevision(tx, {
      targetType: 'question',
      targetId: createdId,
      editorId: actor.id,
      title: input.title,
      body: input.body,
      tags: [...input.tags].sort(),
    });
    // Asking watches the question (`watch.unquestion` undoes it); the tags' watchers hear of it.
    await insertQuestionWatch(tx, { userId: actor.id, questionId: createdId });
    await notifyNewQuestion(tx, deps, { questionId: createdId, actorId: actor.id });
    await awardBadge(tx, actor.id, 'first-question');
    const row = await findQuestion(tx, createdId);
    if (!row) throw new Error('created question vanished');
    return viewOf(tx, actor, row);
  });
  await invalidateCommitted(deps, () => questionScope(deps, Number(created.id)));
  return created;
}

/**
 * A suggested edit a reviewer approved (`packages/api/src/domains/review/service.ts`): the review queue
 * authorized the change, and the revision names the suggester (`editorId`) as its editor.
 */
export type ApprovedEdit = { editorId: number };

/**
 * `question.update`: author, moderator or a user with the `editOthers` privilege (policy `post.edit`); with `approved`, an approved suggested edit. Changes only the given fields, re-renders
 * the body, moves tag usage counts, bumps activity and saves a full revision — unless nothing changed,
 * in which case nothing is written.
 */
export async function updateQuestion(
  deps: Deps,
  actor: SessionUser,
  input: { id: number; title?: string | undefined; body?: string | undefined; tags?: string[] | undefined },
  approved?: ApprovedEdit,
): Promise<QuestionView> {
  // Tags may move: the lists of the old tags change too.
  const before = await questionScope(deps, input.id);
  const updated = await liveTransaction(deps, async (tx, liveEvents) => {
    const row = await findQuestion(tx, input.id, { lock: true });
    if (!row || !visibleTo(actor, row.live)) throw notFound('question');
    if (!approved) await assertMay(deps, actor, 'post.edit', { authorId: row.authorId }, tx);
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
    await updateQuestionContent(tx, {
      id: row.id,
      title,
      body,
      bodyHtml: body === row.body ? row.bodyHtml : renderMarkdown(body),
      at: now,
    });
    const live = row.deletedAt === null;
    await detachTags(tx, row.id, removed, live);
    await attachTags(tx, row.id, added, live);
    await saveRevision(tx, {
      targetType: 'question',
      targetId: row.id,
      editorId: approved?.editorId ?? actor.id,
      title,
      body,
      tags: nextTags,
    });
    const updated = await findQuestion(tx, row.id);
    if (!updated) throw notFound('question');
    const view = await viewOf(tx, actor, updated);
    if (live) {
      const { id, title: newTitle, body: newBody, bodyHtml, tags, updatedAt } = view;
      liveEvents.question(
        row.id,
        {
          type: 'question.updated',
          question: { id, title: newTitle, body: newBody, bodyHtml, tags, updatedAt },
        },
        { post: postKey('question', row.id) },
      );
    }
    return view;
  });
  await invalidateCommitted(deps, async () => mergeChanged(before, await questionScope(deps, input.id)));
  return updated;
}

/**
 * `question.delete`: author or moderator (policy `post.delete`); a soft delete that takes the question
 * out of lists, search and tag counts. Deleting an already deleted question (moderators) is a no-op.
 */
export async function deleteQuestion(deps: Deps, actor: SessionUser, id: number): Promise<{ ok: true }> {
  const deleted = await liveTransaction(deps, async (tx, live) => {
    const row = await findQuestion(tx, id, { lock: true });
    if (!row || !visibleTo(actor, row.live)) throw notFound('question');
    assertCan(actor, 'post.delete', { authorId: row.authorId });
    if (row.deletedAt !== null) return { ok: true as const };
    await setQuestionDeletedAt(tx, { id, deletedAt: new Date() });
    await adjustTagUsage(tx, (await tagsOf(tx, [id])).get(id) ?? [], -1);
    // The backlog forgets every content of the question's channel; the deletion itself carries its id.
    live.redact(id, 'all');
    live.question(id, { type: 'question.deleted', questionId: String(id) });
    return { ok: true as const };
  });
  await invalidateCommitted(deps, () => questionScope(deps, id));
  return deleted;
}

/** `question.restore`: moderators (policy `post.restore`) bring a deleted question back; idempotent. */
export async function restoreQuestion(deps: Deps, actor: SessionUser, id: number): Promise<QuestionView> {
  assertCan(actor, 'post.restore');
  const restored = await deps.db.transaction(async (tx) => {
    const row = await findQuestion(tx, id, { lock: true });
    if (!row) throw notFound('question');
    if (row.deletedAt !== null) {
      await setQuestionDeletedAt(tx, { id, deletedAt: null });
      await adjustTagUsage(tx, (await tagsOf(tx, [id])).get(id) ?? [], 1);
      row.deletedAt = null;
    }
    return viewOf(tx, actor, row);
  });
  await invalidateCommitted(deps, () => questionScope(deps, id));
  return restored;
}

/** `question.revisions`: every saved version, newest first (NOT_FOUND when the question is hidden). */
export async function questionRevisions(deps: Deps, actor: SessionUser | null, id: number) {
  const row = await findQuestion(deps.db, id);
  if (!row || !visibleTo(actor, row.live)) throw notFound('question');
  return revisionsOf(deps.db, 'question', id);
}

/** Turns summary rows into `questionSummary` items, loading all their tags in one prepared query. */
async function toSummaries(db: Database, rows: QuestionSummaryRow[]) {
  const tagMap = await tagsOfPage(
    db,
    rows.map((row) => row.id),
  );
  return (row: QuestionSummaryRow) => toQuestionSummary(row, tagMap.get(row.id) ?? []);
}

/** Input of `listQuestions`. */
export type ListQuestionsParams = Pick<
  QuestionListParams,
  'sort' | 'tag' | 'authorId' | 'deleted' | 'limit'
> & {
  cursor?: string | null | undefined;
};

/**
 * The `question.list` query (`questionListQuery` in `packages/db/src/queries/question.ts`: keyset
 * pagination over one index per sort) for `params`: the cursor decoded (BAD_REQUEST when it is not
 * ours), one row more than the page to tell whether another page follows. Exported (with the cursor of a
 * row) so tests can EXPLAIN exactly what runs.
 */
export function listQuestionsQuery(db: Executor, params: ListQuestionsParams) {
  const statement = listStatementParams(params);
  return { query: questionListQuery(db, statement), cursorOf: cursorOfRow(params) };
}

/** What `question.list` reads for `params`: the cursor decoded (BAD_REQUEST when it is not ours), one row more than the page. */
function listStatementParams(params: ListQuestionsParams) {
  const top = params.sort === 'top';
  const after = params.cursor ? decodeCursor(params.cursor, top ? scoreIdCursor : timeIdCursor) : null;
  return {
    sort: params.sort,
    tag: params.tag,
    authorId: params.authorId,
    deleted: params.deleted,
    after,
    limit: params.limit + 1,
    htmlChars: EXCERPT_SOURCE_CHARS,
  };
}

/** The keyset cursor of a row of a list sorted as `params` ask. */
function cursorOfRow(params: ListQuestionsParams) {
  return (row: QuestionSummaryRow): (string | number)[] =>
    params.sort === 'top'
      ? [row.score, row.id]
      : [toIso(params.sort === 'active' ? row.lastActivityAt : row.createdAt), row.id];
}

/**
 * `question.list`: questions sorted and filtered as asked, one keyset page at a time (see
 * `listQuestionsQuery`). `deleted: true` lists soft-deleted questions (moderators only, policy
 * `post.viewDeleted`).
 */
export async function listQuestions(deps: Deps, actor: SessionUser | null, params: ListQuestionsParams) {
  if (params.deleted) assertCan(actor, 'post.viewDeleted');
  // The prepared statement of `listQuestionsQuery`'s shape: the same text, not rebuilt per request.
  const rows = await listQuestionsPrepared(deps.db, listStatementParams(params));
  const toItem = await toSummaries(deps.db, rows);
  return toPage(rows, params.limit, toItem, cursorOfRow(params));
}
