import { type Executor, insertNotifications, type NotificationType } from '@devflow/db';

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
 * themselves).
 */
export async function notify(tx: Executor, events: NotificationEvent[]): Promise<void> {
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
  await insertNotifications(tx, rows);
}
