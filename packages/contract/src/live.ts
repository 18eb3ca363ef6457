import { z } from 'zod';
import { idInput, idOutput } from './common';
import { notificationItem } from './notification';
import { answerOutput, closedInfo, questionOutput } from './question';
import { replyOutput, replyTargetType } from './reply';

/**
 * Live updates (`live.question`, `live.notifications`): typed events over Server-Sent Events. Every event
 * is the same for every viewer — no per-viewer field such as `myReaction` — so one serialization serves
 * all subscribers, and no event carries content of a deleted post (deletions carry ids only, and the
 * backlog forgets the content of a post once it is deleted).
 */

/**
 * `lastEventId`: the id of the last event a client received (what `tracked()` sent as the SSE `id`);
 * the stream resumes right after it. tRPC's subscription link fills it in on reconnect.
 */
export const lastEventIdInput = z
  .string()
  .regex(/^\d{1,15}$/, 'must be the id of a live event')
  .nullish();

/** Input of `live.question`. */
export const liveQuestionInput = z.object({ questionId: idInput, lastEventId: lastEventIdInput });

/** Input of `live.notifications`. */
export const liveNotificationsInput = z.object({ lastEventId: lastEventIdInput }).default({});

/** An answer as live events carry it: the answer of `question.byId` without the viewer's reaction. */
export const liveAnswer = answerOutput.omit({ myReaction: true });

/** A reply as live events carry it: the reply of `reply.create` without the viewer's reaction. */
export const liveReply = replyOutput.omit({ myReaction: true });

/** What `question.updated` carries: the question's editable fields after the edit. */
export const liveQuestion = questionOutput.pick({
  id: true,
  title: true,
  body: true,
  bodyHtml: true,
  tags: true,
  updatedAt: true,
});

/** A post's counters after a reaction changed. */
export const liveReactionCounts = z.object({
  targetType: z.enum(['question', 'answer', 'reply']),
  targetId: idOutput,
  likes: z.number().int(),
  dislikes: z.number().int(),
  score: z.number().int(),
});

/**
 * Sent instead of the missed events when a client resumes from an id older than the backlog keeps (or
 * one the server never issued): the client should reload what it shows, then carry on with this stream.
 */
export const liveReload = z.object({ type: z.literal('reload'), reason: z.string() });

/** Every event of `live.question`, by `type`. */
export const liveQuestionEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('answer.created'), answer: liveAnswer, answerCount: z.number().int() }),
  z.object({ type: z.literal('answer.updated'), answer: liveAnswer }),
  z.object({
    type: z.literal('answer.deleted'),
    answerId: idOutput,
    answerCount: z.number().int(),
    acceptedAnswerId: idOutput.nullable(),
  }),
  z.object({ type: z.literal('answer.accepted'), answerId: idOutput, previousAnswerId: idOutput.nullable() }),
  z.object({ type: z.literal('answer.unaccepted'), answerId: idOutput }),
  z.object({ type: z.literal('reply.created'), reply: liveReply }),
  z.object({ type: z.literal('reply.updated'), reply: liveReply }),
  z.object({
    type: z.literal('reply.deleted'),
    replyId: idOutput,
    targetType: replyTargetType,
    targetId: idOutput,
  }),
  z.object({ type: z.literal('reaction.changed'), counts: liveReactionCounts }),
  z.object({ type: z.literal('question.updated'), question: liveQuestion }),
  z.object({ type: z.literal('question.deleted'), questionId: idOutput }),
  z.object({ type: z.literal('question.closed'), questionId: idOutput, closed: closedInfo }),
  z.object({ type: z.literal('question.reopened'), questionId: idOutput }),
  /** A post hidden pending review (flags): ids only, and the backlog forgets its content, as for a deletion. */
  z.object({
    type: z.literal('post.hidden'),
    targetType: z.enum(['question', 'answer', 'reply']),
    targetId: idOutput,
  }),
  liveReload,
]);

/** An event of `live.question`. */
export type LiveQuestionEvent = z.infer<typeof liveQuestionEvent>;

/** Every event of `live.notifications`, by `type`. */
export const liveNotificationEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('notification.created'),
    notification: notificationItem,
    unread: z.number().int(),
  }),
  z.object({ type: z.literal('notification.read'), unread: z.number().int() }),
  liveReload,
]);

/** An event of `live.notifications`. */
export type LiveNotificationEvent = z.infer<typeof liveNotificationEvent>;

/** Limits of live subscriptions (per server process). */
export const LIVE_LIMITS = {
  /** Open subscriptions one session (or, signed out, one IP) may hold at once. */
  perSession: 16,
  /** Open subscriptions one IP may hold at once. */
  perIp: 64,
  /** Most events the backlog keeps per channel. */
  keepPerChannel: 1000,
  /** How long the backlog keeps an event. */
  retentionMs: 24 * 60 * 60 * 1000,
} as const;
