import {
  appendLiveEvents,
  type Executor,
  insertNotifications,
  type NotificationType,
  questionWatchers,
  tagWatchersOfQuestion,
} from '@devflow/db';
import type { ApiDeps } from '../../deps';
import { type LiveBatch, userChannel } from '../live/events';
import { mailNewNotifications } from './mail';

/** What notifying needs to mail at once: the configuration (links, signing) and the job queue. */
export type NotifyDeps = Pick<ApiDeps, 'config' | 'jobs'>;

/** A notification to create, as its cause sees it. */
export type NotificationEvent = {
  /** Who is told. */
  userId: number;
  /** Who did it. */
  actorId: number;
  type: NotificationType;
  questionId?: number | null;
  answerId?: number | null;
  replyId?: number | null;
  /** The badge a `badge` notification announces. */
  badge?: string | null;
};

/**
 * Records notifications inside the caller's transaction, so a notification exists exactly when its
 * cause committed, and returns their ids. Nobody is notified of their own actions, except of a badge
 * they earned (its actor is themselves); the events of one call share one cause, so each user is told
 * once: the first event naming them wins (callers list the most specific first, e.g. "an answer to your
 * question" before "an answer on a question you watch"). Each notification is also a
 * `notification.created` live event for its recipient: queued on `live` when the caller runs in a
 * `liveTransaction` (written at its end with its other events), written here otherwise. Mails nothing:
 * `notify` does.
 */
export async function recordNotifications(
  tx: Executor,
  events: NotificationEvent[],
  live?: LiveBatch,
): Promise<number[]> {
  const told = new Set<number>();
  const rows = [];
  for (const event of events) {
    if ((event.userId === event.actorId && event.type !== 'badge') || told.has(event.userId)) continue;
    told.add(event.userId);
    rows.push({
      userId: event.userId,
      actorId: event.actorId,
      type: event.type,
      questionId: event.questionId ?? null,
      answerId: event.answerId ?? null,
      replyId: event.replyId ?? null,
      badge: event.badge ?? null,
    });
  }
  const created = await insertNotifications(tx, rows);
  if (live) {
    for (const row of created)
      live.user(row.userId, { type: 'notification.created', notificationId: row.id });
  } else {
    await appendLiveEvents(
      tx,
      created.map((row) => ({
        channel: userChannel(row.userId),
        type: 'notification.created',
        payload: { type: 'notification.created', notificationId: row.id },
      })),
    );
  }
  return created.map((row) => row.id);
}

/**
 * Records notifications as `recordNotifications` does, and enqueues, in the same transaction, the mail
 * of the recipients who get this kind of notification by mail at once.
 */
export async function notify(
  tx: Executor,
  deps: NotifyDeps,
  events: NotificationEvent[],
  live?: LiveBatch,
): Promise<void> {
  await mailNewNotifications(tx, deps, await recordNotifications(tx, events, live));
}

/**
 * A new answer: the question's author hears of an answer to their question, everyone else watching the
 * question of an answer on a question they watch — one notification per person.
 */
export async function notifyNewAnswer(
  tx: Executor,
  deps: NotifyDeps,
  params: { questionId: number; questionAuthorId: number; answerId: number; actorId: number },
  live?: LiveBatch,
): Promise<void> {
  const watchers = await questionWatchers(tx, {
    questionId: params.questionId,
    exceptUserId: params.actorId,
  });
  const cause = { actorId: params.actorId, questionId: params.questionId, answerId: params.answerId };
  await notify(
    tx,
    deps,
    [
      { ...cause, userId: params.questionAuthorId, type: 'answer' },
      ...watchers.map((userId) => ({ ...cause, userId, type: 'watched_question' as const })),
    ],
    live,
  );
}

/** A new question: everyone watching one of its tags hears of it once. Call after its tags are attached. */
export async function notifyNewQuestion(
  tx: Executor,
  deps: NotifyDeps,
  params: { questionId: number; actorId: number },
  live?: LiveBatch,
): Promise<void> {
  const watchers = await tagWatchersOfQuestion(tx, {
    questionId: params.questionId,
    exceptUserId: params.actorId,
  });
  await notify(
    tx,
    deps,
    watchers.map((userId) => ({
      userId,
      actorId: params.actorId,
      type: 'watched_tag' as const,
      questionId: params.questionId,
    })),
    live,
  );
}
