import type { LiveQuestionEvent } from '@devflow/contract';
import { updateNode } from './tree';
import type { RouterOutputs } from './trpc';

/** A cached `question.byId`. */
export type QuestionData = RouterOutputs['question']['byId'];
/** A cached `reply.thread`. */
export type ThreadData = RouterOutputs['reply']['thread'];
/** An answer as `answer.created` / `answer.updated` carry it (no viewer's reaction). */
export type LiveAnswer = Extract<LiveQuestionEvent, { type: 'answer.created' }>['answer'];
/** A reply as `reply.created` / `reply.updated` carry it (no viewer's reaction). */
export type LiveReply = Extract<LiveQuestionEvent, { type: 'reply.created' }>['reply'];
/** A post's new counters (`reaction.changed`). */
export type LiveCounts = Extract<LiveQuestionEvent, { type: 'reaction.changed' }>['counts'];

type Answer = QuestionData['answers'][number];
type ReplyNode = ThreadData['items'][number];

/** Counters of a post from `reaction.changed`; the viewer's own reaction is not in it and stays. */
function counters(counts: LiveCounts) {
  return { likes: counts.likes, dislikes: counts.dislikes, score: counts.score };
}

/** The question with `answers` added (those it already holds are skipped), unreacted by the viewer. */
export function addAnswers(question: QuestionData, answers: readonly LiveAnswer[]): QuestionData {
  const known = new Set(question.answers.map((answer) => answer.id));
  const added = answers.filter((answer) => !known.has(answer.id));
  if (added.length === 0) return question;
  return {
    ...question,
    answers: [...question.answers, ...added.map((answer): Answer => ({ ...answer, myReaction: null }))],
    answerCount: question.answerCount + added.length,
  };
}

/** The question with the answer `id` changed by `update` (the same object when it has no such answer). */
export function updateAnswer(
  question: QuestionData,
  id: string,
  update: (answer: Answer) => Answer,
): QuestionData {
  const answers = updateNode(question.answers, id, update);
  return answers === question.answers ? question : { ...question, answers };
}

/** The question without the answer `id` (deleted or hidden), with the server's count and accepted id. */
export function removeAnswer(
  question: QuestionData,
  id: string,
  after?: { answerCount: number; acceptedAnswerId: string | null },
): QuestionData {
  const answers = question.answers.filter((answer) => answer.id !== id);
  return {
    ...question,
    answers,
    answerCount: after?.answerCount ?? answers.filter((answer) => !answer.deleted).length,
    acceptedAnswerId: after ? after.acceptedAnswerId : question.acceptedAnswerId,
  };
}

/** The question with `answerId` as its accepted answer (null: none). */
export function setAccepted(question: QuestionData, answerId: string | null): QuestionData {
  return {
    ...question,
    acceptedAnswerId: answerId,
    answers: question.answers.map((answer) =>
      answer.accepted === (answer.id === answerId) ? answer : { ...answer, accepted: answer.id === answerId },
    ),
  };
}

/** The question with new counters for itself or one of its answers. */
export function applyQuestionCounts(question: QuestionData, counts: LiveCounts): QuestionData {
  if (counts.targetType === 'question') {
    return counts.targetId === question.id ? { ...question, ...counters(counts) } : question;
  }
  if (counts.targetType !== 'answer') return question;
  return updateAnswer(question, counts.targetId, (answer) => ({ ...answer, ...counters(counts) }));
}

/** The answer or reply as the live event carries it, with new counters. */
export function withCounts<T extends { id: string }>(post: T, counts: LiveCounts): T {
  return post.id === counts.targetId ? { ...post, ...counters(counts) } : post;
}

/**
 * The thread with `reply` added under its parent (a top-level reply at the end), when the thread shows
 * its level: levels are 0-based `depth`s and the thread shows `maxDepth` of them; a reply below the last
 * shown level marks its parent `moreReplies` ("Continue this thread"). A reply already there, or whose
 * parent the thread does not hold, leaves the thread as it is (apart from its `total`).
 */
export function addReply(thread: ThreadData, reply: LiveReply, maxDepth: number): ThreadData {
  if (thread.items.some((node) => node.id === reply.id)) return thread;
  const total = thread.total + 1;
  const node: ReplyNode = { ...reply, myReaction: null, hidden: false, moreReplies: false, children: [] };
  if (reply.parentId === null) return { ...thread, items: [...thread.items, node], total };
  const parent = thread.items.find((item) => item.id === reply.parentId);
  if (!parent) return { ...thread, total };
  if (reply.depth >= maxDepth || parent.moreReplies) {
    const items = updateNode(thread.items, parent.id, (item) => ({ ...item, moreReplies: true }));
    return { ...thread, items, total };
  }
  const items = updateNode(thread.items, parent.id, (item) => ({
    ...item,
    children: [...item.children, reply.id],
  }));
  return { ...thread, items: [...items, node], total };
}

/** A cached paged `reply.thread` (TanStack's infinite query data): its pages, in order. */
export type ThreadPages = { pages: ThreadData[] };

/**
 * The loaded pages with `reply` added where the reader would meet it: under its parent, on the page that
 * holds the parent; a top-level reply at the end, once the last page is loaded (until then the next page
 * brings it). Every page's `total` counts it.
 */
export function addReplyToPages<Data extends ThreadPages>(
  data: Data,
  reply: LiveReply,
  maxDepth: number,
): Data {
  if (data.pages.some((page) => page.items.some((node) => node.id === reply.id))) return data;
  const last = data.pages.length - 1;
  const holder =
    reply.parentId === null
      ? data.pages[last]?.nextCursor === null
        ? last
        : -1
      : data.pages.findIndex((page) => page.items.some((node) => node.id === reply.parentId));
  return {
    ...data,
    pages: data.pages.map((page, index) =>
      index === holder ? addReply(page, reply, maxDepth) : { ...page, total: page.total + 1 },
    ),
  };
}

/** The thread with the reply `id` changed by `update` (the same object when it has no such reply). */
export function updateReply(
  thread: ThreadData,
  id: string,
  update: (node: ReplyNode) => ReplyNode,
): ThreadData {
  const items = updateNode(thread.items, id, update);
  return items === thread.items ? thread : { ...thread, items };
}

/** A reply as a tombstone: what a deleted (or, to non-moderators, hidden) reply looks like in a thread. */
export function tombstone(node: ReplyNode): ReplyNode {
  return { ...node, body: '', bodyHtml: '', deleted: true };
}
