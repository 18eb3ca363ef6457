import { toId, toIso } from '@devflow/contract';
import type { AnswerOfQuestionRow, QuestionRow, QuestionSummaryRow } from '@devflow/db';
import { excerptOf, toUserSummary } from '../posts/posts';

/**
 * How questions and answers look to clients: rows of `@devflow/db`'s question queries turned into the
 * API's `question`, `answer` and `questionSummary` (`packages/contract/src/question.ts`). Pure functions: whoever
 * loaded the rows passes what else is needed (tags, the caller's reaction).
 */

/** The caller's reaction to a post, or null for none (and for anonymous callers). */
export type MyReaction = 'like' | 'dislike' | null;

/** The counters a question shows on its page and in lists, in the order the API sends them. */
function questionCounters(
  row: Pick<QuestionRow, 'likes' | 'dislikes' | 'score' | 'answerCount' | 'viewCount'>,
) {
  return {
    likes: row.likes,
    dislikes: row.dislikes,
    score: row.score,
    answerCount: row.answerCount,
    viewCount: row.viewCount,
  };
}

/** A question row as the API's question (without answers). */
export function toQuestion(row: QuestionRow, tags: string[], myReaction: MyReaction) {
  return {
    id: toId(row.id),
    title: row.title,
    body: row.body,
    bodyHtml: row.bodyHtml,
    tags,
    author: toUserSummary(row.author),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    lastActivityAt: toIso(row.lastActivityAt),
    ...questionCounters(row),
    acceptedAnswerId: row.acceptedAnswerId === null ? null : toId(row.acceptedAnswerId),
    myReaction,
    deleted: row.deletedAt !== null,
    hidden: row.hiddenAt !== null,
    closed: toClosed(row),
  };
}

/** The API's question type. */
export type QuestionView = ReturnType<typeof toQuestion>;

/**
 * What an answer needs to be shown: the columns of `answersOfQuestion`'s rows. Any query that selects
 * these (with more columns or not) can be shown with `toAnswer`.
 */
export type AnswerViewRow = AnswerOfQuestionRow;

/** An answer row as the API's answer; it is `accepted` when its question's accepted answer is this one. */
export function toAnswer(row: AnswerViewRow, acceptedAnswerId: number | null, myReaction: MyReaction) {
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
    accepted: row.id === acceptedAnswerId,
    myReaction,
    deleted: row.deletedAt !== null,
    hidden: row.hiddenAt !== null,
  };
}

/** The API's answer type. */
export type AnswerView = ReturnType<typeof toAnswer>;

/** A list row as the API's `questionSummary`. */
export function toQuestionSummary(row: QuestionSummaryRow, tags: string[]) {
  return {
    id: toId(row.id),
    title: row.title,
    excerpt: excerptOf(row.htmlStart),
    tags,
    author: toUserSummary(row.author),
    createdAt: toIso(row.createdAt),
    lastActivityAt: toIso(row.lastActivityAt),
    ...questionCounters(row),
    hasAcceptedAnswer: row.acceptedAnswerId !== null,
  };
}

/** A question row's closure as the API shows it (`closed`), or null while it is open. */
export function toClosed(row: QuestionRow) {
  if (row.closedAt === null || row.closeReason === null) return null;
  return {
    reason: row.closeReason,
    duplicateOf:
      row.duplicateOfId === null || row.duplicateOfTitle === null
        ? null
        : { id: toId(row.duplicateOfId), title: row.duplicateOfTitle },
    closedAt: toIso(row.closedAt),
    by:
      row.closedById === null || row.closedByUsername === null
        ? null
        : toUserSummary({
            id: row.closedById,
            username: row.closedByUsername,
            displayName: row.closedByDisplayName,
            avatarUrl: row.closedByAvatarUrl,
          }),
  };
}
