import { appendLiveEvents, type Executor, insertNotifications, type NotificationType } from '@devflow/db';
import { type LiveBatch, userChannel } from '../live/events';

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
 * cause committed. Nobody is notified of their own actions, except of a badge they earned (its actor is
 * themselves). Each notification is also a `notification.created` live event for its recipient: queued
 * on `live` when the caller runs in a `liveTransaction` (written at its end with its other events),
 * written here otherwise.
 */
export async function notify(tx: Executor, events: NotificationEvent[], live?: LiveBatch): Promise<void> {
  const rows = events
    .filter((event) => event.userId !== event.actorId || event.type === 'badge')
    .map((event) => ({
      userId: event.userId,
      actorId: event.actorId,
      type: event.type,
      questionId: event.questionId ?? null,
      answerId: event.answerId ?? null,
      replyId: event.replyId ?? null,
      badge: event.badge ?? null,
    }));
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
}
