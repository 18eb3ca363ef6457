import { QUESTION_CLOSED_MESSAGE, toId, toIso } from '@devflow/contract';
import {
  type AnswerRow,
  answersByAuthor,
  countNewAnswer,
  type Executor,
  findAnswer,
  findQuestion,
  insertAnswer,
  insertQuestionWatch,
  recountAnswer,
  setAcceptedAnswer,
  setAnswerDeletedAt,
  touchQuestionActivity,
  uncountAnswer,
  updateAnswerBody,
} from '@devflow/db';
import type { ApiDeps } from '../../deps';
import { answerScope, invalidateCommitted, mergeChanged } from '../../platform/cache/scopes';
import { ForbiddenError } from '../../platform/domain-errors';
import { renderMarkdown } from '../../platform/markdown';
import { decodeCursor, timeIdCursor, toPage } from '../../platform/pagination';
import { assertCan, assertMay } from '../../platform/policy';
import type { SessionUser } from '../../trpc/context';
import { awardBadge, awardReputationBadges } from '../badge/service';
import { type LiveBatch, liveTransaction, postKey } from '../live/events';
import { queueFirstPost } from '../moderation/first-posts';
import { notify, notifyNewAnswer } from '../notification/events';
import {
  EXCERPT_SOURCE_CHARS,
  excerptOf,
  notFound,
  reactionsOf,
  revisionsOf,
  saveRevision,
  visibleTo,
} from '../posts/posts';
import type { ApprovedEdit } from '../question/service';
import { loadQuestionDetail } from '../question/service';
import { toAnswer } from '../question/view';

/** What answer services need from the world. */
type Deps = Pick<ApiDeps, 'db' | 'cache' | 'log' | 'live' | 'config' | 'jobs'>;

/** Queues the live event of an answer that appeared or changed; nothing while its question is deleted. */
function emitAnswer(
  live: LiveBatch,
  type: 'answer.updated',
  view: Awaited<ReturnType<typeof viewOf>>,
  questionDeleted: boolean,
): void {
  if (questionDeleted || view.deleted) return;
  const { myReaction: _mine, ...answer } = view;
  live.question(
    Number(view.questionId),
    { type, answer },
    { post: postKey('answer', view.id), parent: postKey('question', view.questionId) },
  );
}

/** An answer is visible when it and its question are, or to moderators. */
function answerVisible(actor: SessionUser | null, row: AnswerRow): boolean {
  return visibleTo(actor, row.live) && visibleTo(actor, row.questionLive);
}

/** An answer row as the API's answer, with the caller's reaction (the one mapping: `question/view.ts`). */
async function viewOf(db: Executor, actor: SessionUser | null, row: AnswerRow) {
  const mine = await reactionsOf(db, actor, 'answer', [row.id]);
  return toAnswer(row, row.acceptedAnswerId, mine.get(row.id) ?? null);
}

/** The answer as it is now (after a change in the same transaction), as the API's answer. */
async function reload(db: Executor, actor: SessionUser, id: number) {
  const row = await findAnswer(db, { id, lock: false });
  if (!row) throw notFound('answer');
  return viewOf(db, actor, row);
}

/**
 * `answer.create`: answers a live question (NOT_FOUND otherwise), bumps its answer count and activity,
 * saves the first revision, notifies the question's author and its watchers, and makes the answerer
 * watch the question, all in one transaction.
 */
export async function createAnswer(
  deps: Deps,
  actor: SessionUser,
  input: { questionId: number; body: string },
) {
  const answer = await liveTransaction(deps, async (tx, live) => {
    const question = await countNewAnswer(tx, { questionId: input.questionId, at: new Date() });
    if (!question) {
      const existing = await findQuestion(tx, input.questionId);
      if (existing?.live && existing.closedAt !== null) throw new ForbiddenError(QUESTION_CLOSED_MESSAGE);
      throw notFound('question');
    }
    const created = await insertAnswer(tx, {
      questionId: question.id,
      authorId: actor.id,
      body: input.body,
      bodyHtml: renderMarkdown(input.body),
    });
    await saveRevision(tx, {
      targetType: 'answer',
      targetId: created.id,
      editorId: actor.id,
      title: null,
      body: input.body,
      tags: null,
    });
    await notifyNewAnswer(
      tx,
      deps,
      {
        questionId: question.id,
        questionAuthorId: question.authorId,
        answerId: created.id,
        actorId: actor.id,
      },
      live,
    );
    // Answering watches the question (`watch.unquestion` undoes it).
    await insertQuestionWatch(tx, { userId: actor.id, questionId: question.id });
    await awardBadge(tx, actor.id, 'first-answer');
    await queueFirstPost(tx, actor, 'answer', created.id);
    const view = await reload(tx, actor, created.id);
    const { myReaction: _mine, ...answer } = view;
    live.question(
      question.id,
      { type: 'answer.created', answer, answerCount: question.answerCount },
      { post: postKey('answer', created.id), parent: postKey('question', question.id) },
    );
    return view;
  });
  await invalidateCommitted(deps, () => answerScope(deps, Number(answer.id)));
  return answer;
}

/**
 * `answer.update`: author, moderator or a user with the `editOthers` privilege (policy `post.edit`); re-renders the body, bumps the question's
 * activity and saves a revision. An unchanged body writes nothing. With `approved` (a suggested edit a
 * reviewer approved, `packages/api/src/domains/review/service.ts`) the review queue has authorized the
 * change and the revision names the suggester as its editor.
 */
export async function updateAnswer(
  deps: Deps,
  actor: SessionUser,
  input: { id: number; body: string },
  approved?: ApprovedEdit,
) {
  const updated = await liveTransaction(deps, async (tx, live) => {
    const row = await findAnswer(tx, { id: input.id, lock: true });
    if (!row || !answerVisible(actor, row)) throw notFound('answer');
    if (!approved) await assertMay(deps, actor, 'post.edit', { authorId: row.authorId }, tx);
    if (input.body === row.body) return viewOf(tx, actor, row);
    const now = new Date();
    await updateAnswerBody(tx, {
      id: row.id,
      body: input.body,
      bodyHtml: renderMarkdown(input.body),
      at: now,
    });
    await touchQuestionActivity(tx, { questionId: row.questionId, at: now });
    await saveRevision(tx, {
      targetType: 'answer',
      targetId: row.id,
      editorId: approved?.editorId ?? actor.id,
      title: null,
      body: input.body,
      tags: null,
    });
    const view = await reload(tx, actor, row.id);
    emitAnswer(live, 'answer.updated', view, row.questionDeletedAt !== null);
    return view;
  });
  await invalidateCommitted(deps, () => answerScope(deps, input.id));
  return updated;
}

/**
 * `answer.delete`: author or moderator (policy `post.delete`); a soft delete that lowers the question's
 * answer count and withdraws the acceptance if it was the accepted answer.
 */
export async function deleteAnswer(deps: Deps, actor: SessionUser, id: number): Promise<{ ok: true }> {
  const deleted = await liveTransaction(deps, async (tx, live) => {
    const row = await findAnswer(tx, { id, lock: true });
    if (!row || !answerVisible(actor, row)) throw notFound('answer');
    assertCan(actor, 'post.delete', { authorId: row.authorId });
    if (row.deletedAt !== null) return { ok: true as const };
    await setAnswerDeletedAt(tx, { id, deletedAt: new Date() });
    const acceptedAnswerId = row.acceptedAnswerId === id ? null : row.acceptedAnswerId;
    const { answerCount } = await uncountAnswer(tx, { questionId: row.questionId, acceptedAnswerId });
    // Deletions carry ids only, and the backlog forgets the answer's content (and its replies').
    live.redact(row.questionId, [postKey('answer', id)]);
    live.question(row.questionId, {
      type: 'answer.deleted',
      answerId: String(id),
      answerCount,
      acceptedAnswerId: acceptedAnswerId === null ? null : String(acceptedAnswerId),
    });
    return { ok: true as const };
  });
  await invalidateCommitted(deps, () => answerScope(deps, id));
  return deleted;
}

/** `answer.restore`: moderators (policy `post.restore`) bring a deleted answer back; idempotent. */
export async function restoreAnswer(deps: Deps, actor: SessionUser, id: number) {
  assertCan(actor, 'post.restore');
  const restored = await liveTransaction(deps, async (tx, live) => {
    const row = await findAnswer(tx, { id, lock: true });
    if (!row) throw notFound('answer');
    let answerCount: number | null = null;
    if (row.deletedAt !== null) {
      await setAnswerDeletedAt(tx, { id, deletedAt: null });
      ({ answerCount } = await recountAnswer(tx, row.questionId));
    }
    const view = await reload(tx, actor, id);
    if (answerCount !== null && row.questionDeletedAt === null) {
      // A restored answer appears again, as if just posted.
      const { myReaction: _mine, ...answer } = view;
      live.question(
        row.questionId,
        { type: 'answer.created', answer, answerCount },
        { post: postKey('answer', id), parent: postKey('question', row.questionId) },
      );
    }
    return view;
  });
  await invalidateCommitted(deps, () => answerScope(deps, id));
  return restored;
}

/**
 * `answer.accept`: only the question's author (policy `answer.accept`). The acceptance is one column,
 * `questions.acceptedAnswerId`, so moving it from another answer is a single atomic UPDATE and exactly
 * one answer is accepted. Accepting the accepted answer again changes nothing and notifies nobody.
 */
export async function acceptAnswer(deps: Deps, actor: SessionUser, answerId: number) {
  // The acceptance may move away from another answer: its author's reputation changes too.
  const before = await answerScope(deps, answerId);
  const detail = await liveTransaction(deps, async (tx, live) => {
    const row = await findAnswer(tx, { id: answerId, lock: true });
    if (!row || !answerVisible(actor, row) || row.deletedAt !== null || row.questionDeletedAt !== null) {
      throw notFound('answer');
    }
    assertCan(actor, 'answer.accept', { questionAuthorId: row.questionAuthorId });
    if (row.acceptedAnswerId !== row.id) {
      await setAcceptedAnswer(tx, { questionId: row.questionId, answerId: row.id });
      await notify(
        tx,
        deps,
        [
          {
            userId: row.authorId,
            actorId: actor.id,
            type: 'accepted',
            questionId: row.questionId,
            answerId: row.id,
          },
        ],
        live,
      );
      // Accepting your own answer earns nothing (reputation rules), so no badge either.
      if (row.authorId !== row.questionAuthorId) {
        await awardBadge(tx, row.authorId, 'first-accepted-answer');
        await awardReputationBadges(tx, row.authorId);
      }
      live.question(row.questionId, {
        type: 'answer.accepted',
        answerId: String(row.id),
        previousAnswerId: row.acceptedAnswerId === null ? null : String(row.acceptedAnswerId),
      });
    }
    return loadQuestionDetail(tx, actor, row.questionId);
  });
  await invalidateCommitted(deps, async () => mergeChanged(before, await answerScope(deps, answerId)));
  return detail;
}

/** `answer.unaccept`: the question's author withdraws the acceptance of this answer; idempotent. */
export async function unacceptAnswer(deps: Deps, actor: SessionUser, answerId: number) {
  // The acceptance may move away from another answer: its author's reputation changes too.
  const before = await answerScope(deps, answerId);
  const detail = await liveTransaction(deps, async (tx, live) => {
    const row = await findAnswer(tx, { id: answerId, lock: true });
    if (!row || !answerVisible(actor, row)) throw notFound('answer');
    assertCan(actor, 'answer.accept', { questionAuthorId: row.questionAuthorId });
    if (row.acceptedAnswerId === row.id) {
      await setAcceptedAnswer(tx, { questionId: row.questionId, answerId: null });
      live.question(row.questionId, { type: 'answer.unaccepted', answerId: String(row.id) });
    }
    return loadQuestionDetail(tx, actor, row.questionId);
  });
  await invalidateCommitted(deps, async () => mergeChanged(before, await answerScope(deps, answerId)));
  return detail;
}

/** `answer.revisions`: every saved version of an answer, newest first. */
export async function answerRevisions(deps: Deps, actor: SessionUser | null, id: number) {
  const row = await findAnswer(deps.db, { id, lock: false });
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
  const rows = await answersByAuthor(deps.db, {
    userId: input.userId,
    after,
    limit: input.limit + 1,
    htmlChars: EXCERPT_SOURCE_CHARS,
  });
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
