import type { Executor } from '@devflow/db';
import { notifications } from '@devflow/db';

/** A notification to create, as its cause sees it. */
export type NotificationEvent = {
  /** Who is told. */
  userId: number;
  /** Who did it. */
  actorId: number;
  type: 'answer' | 'reply' | 'follow' | 'accepted';
  questionId?: number | null;
  answerId?: number | null;
  replyId?: number | null;
};

/**
 * Records notifications inside the caller's transaction, so a notification exists exactly when its
 * cause committed. Nobody is notified of their own actions.
 */
export async function notify(tx: Executor, events: NotificationEvent[]): Promise<void> {
  const rows = events
    .filter((event) => event.userId !== event.actorId)
    .map((event) => ({
      userId: event.userId,
      actorId: event.actorId,
      type: event.type,
      questionId: event.questionId ?? null,
      answerId: event.answerId ?? null,
      replyId: event.replyId ?? null,
    }));
  if (rows.length > 0) await tx.insert(notifications).values(rows);
}
