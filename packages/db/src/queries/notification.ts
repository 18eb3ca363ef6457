import { and, count, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { answers, notifications, questions, users } from '../schema';
import { livePost } from './visibility';

/** A notification to insert (`insertNotifications`); id, time and read state take their defaults. */
export type NewNotificationRow = Pick<
  typeof notifications.$inferInsert,
  'userId' | 'actorId' | 'type' | 'questionId' | 'answerId' | 'replyId' | 'badge'
>;

/** What a notification is about, as stored in `notifications.type`. */
export type NotificationType = NewNotificationRow['type'];

/** Inserts notifications in one statement (nothing for an empty list); returns their ids and recipients. */
export async function insertNotifications(
  db: Executor,
  rows: NewNotificationRow[],
): Promise<{ id: number; userId: number }[]> {
  if (rows.length === 0) return [];
  return db
    .insert(notifications)
    .values(rows)
    .returning({ id: notifications.id, userId: notifications.userId });
}

/** How many of `userId`'s notifications are unread (`notifications_unread_idx`). */
export async function unreadNotificationCount(db: Executor, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}

/**
 * One page of `userId`'s notifications, newest first (keyset on id: those below `beforeId`, through
 * `notifications_user_idx`, or `notifications_unread_idx` with `unreadOnly`), with the actor and the
 * question's title (null once the question is deleted); `postHidden` says the question or the answer is
 * deleted. `limit` rows.
 */
export async function listNotificationRows(
  db: Executor,
  params: { userId: number; unreadOnly: boolean; beforeId: number | null; limit: number },
) {
  return db
    .select({
      id: notifications.id,
      type: notifications.type,
      questionId: notifications.questionId,
      answerId: notifications.answerId,
      replyId: notifications.replyId,
      badge: notifications.badge,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      questionTitle: sql<string | null>`case when ${livePost(questions)} then ${questions.title} end`,
      postHidden: sql<boolean>`coalesce(not ${livePost(questions)} or not ${livePost(answers)}, false)`,
      actorId: users.id,
      actorUsername: users.username,
      actorDisplayName: users.displayName,
      actorAvatarUrl: users.avatarUrl,
    })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.actorId))
    .leftJoin(questions, eq(questions.id, notifications.questionId))
    .leftJoin(answers, eq(answers.id, notifications.answerId))
    .where(
      and(
        eq(notifications.userId, params.userId),
        params.unreadOnly ? isNull(notifications.readAt) : undefined,
        params.beforeId !== null ? lt(notifications.id, params.beforeId) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(params.limit);
}

/** Marks `userId`'s unread notifications read: those among `ids` (others' ids match nothing), or all when null. */
export async function setNotificationsRead(
  db: Executor,
  params: { userId: number; ids: number[] | null },
): Promise<void> {
  await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(
      and(
        eq(notifications.userId, params.userId),
        isNull(notifications.readAt),
        params.ids ? inArray(notifications.id, params.ids) : undefined,
      ),
    );
}
