import { and, asc, count, desc, eq, inArray, isNull, lt, Placeholder, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../client';
import { answers, notificationSettings, notifications, questions, users } from '../schema';
import type { Bindable } from './rows';
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
  return insertNotificationsQuery(db, rows);
}

/**
 * The statement of `insertNotifications` (one or more rows); its columns, in order: `id`, `userId`.
 * Exported so the bench's bare twin sends the very statement (bench/write-twins.ts).
 */
export function insertNotificationsQuery(db: Executor, rows: Bindable<NewNotificationRow>[]) {
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

/** A user's stored mail settings: one column per kind, null for the default (`@devflow/contract`). */
export type NotificationSettingsRow = Pick<
  typeof notificationSettings.$inferSelect,
  'answer' | 'reply' | 'follow' | 'accepted' | 'watchedQuestion' | 'watchedTag'
>;

/** How a kind of notification reaches a user by mail, as stored. */
export type MailDeliveryValue = NonNullable<NotificationSettingsRow['answer']>;

/** `userId`'s stored mail settings, or undefined when they never changed any. */
export async function findNotificationSettings(
  db: Executor,
  userId: number,
): Promise<NotificationSettingsRow | undefined> {
  const [row] = await db
    .select({
      answer: notificationSettings.answer,
      reply: notificationSettings.reply,
      follow: notificationSettings.follow,
      accepted: notificationSettings.accepted,
      watchedQuestion: notificationSettings.watchedQuestion,
      watchedTag: notificationSettings.watchedTag,
    })
    .from(notificationSettings)
    .where(eq(notificationSettings.userId, userId));
  return row;
}

/** Stores the given kinds of `userId`'s mail settings (one upsert); the others keep their value. */
export async function saveNotificationSettings(
  db: Executor,
  params: { userId: number; values: Partial<Record<keyof NotificationSettingsRow, MailDeliveryValue>> },
): Promise<void> {
  const values = { ...params.values, updatedAt: new Date() };
  await db
    .insert(notificationSettings)
    .values({ userId: params.userId, ...values })
    .onConflictDoUpdate({ target: notificationSettings.userId, set: values });
}

/** The delivery of each stored notification type when the user has not chosen (the contract's defaults). */
export type DeliveryDefaults = Record<NotificationType, MailDeliveryValue>;

/** The delivery that applies to notification `n` of a user with settings `s` (left-joined), defaults filled in. */
function deliveryOf(defaults: DeliveryDefaults): SQL<MailDeliveryValue> {
  const column: Record<NotificationType, SQL> = {
    answer: sql`${notificationSettings.answer}`,
    reply: sql`${notificationSettings.reply}`,
    follow: sql`${notificationSettings.follow}`,
    accepted: sql`${notificationSettings.accepted}`,
    // No setting covers badges: their default decides.
    badge: sql`null`,
    watched_question: sql`${notificationSettings.watchedQuestion}`,
    watched_tag: sql`${notificationSettings.watchedTag}`,
  };
  const cases = (Object.keys(column) as NotificationType[]).map(
    (type) => sql`when ${type} then coalesce(${column[type]}::text, ${defaults[type]})`,
  );
  return sql<MailDeliveryValue>`(case ${notifications.type}::text ${sql.join(cases, sql` `)} end)`;
}

const actors = alias(users, 'actor');

/**
 * The columns `notificationsAwaitingMail` reads. Exported so the bench's bare twin reads the very rows
 * (bench/write-twins.ts).
 */
export const awaitingMailColumns = {
  id: notifications.id,
  type: notifications.type,
  userId: notifications.userId,
  questionId: notifications.questionId,
  answerId: notifications.answerId,
  replyId: notifications.replyId,
  createdAt: notifications.createdAt,
  email: users.email,
  username: users.username,
  actorName: sql<string>`coalesce(${actors.displayName}, ${actors.username})`,
  actorUsername: actors.username,
  questionTitle: questions.title,
};

/**
 * Notifications waiting for a mail of `delivery` (`instant` for new ones, `daily`/`weekly` for digests):
 * unread, not mailed yet, to a verified address, about a live question (or a follow); among `ids` when
 * given, else everyone's (`notifications_digest_idx`), oldest first, at most `limit`. With the recipient,
 * the actor and the question's title. A query builder: the bench's bare twin sends this very statement
 * (bench/write-twins.ts).
 */
export function notificationsAwaitingMail(
  db: Executor,
  params: {
    ids: readonly (number | Placeholder)[] | null;
    delivery: MailDeliveryValue | Placeholder;
    defaults: DeliveryDefaults;
    limit: number | Placeholder;
  },
) {
  return db
    .select(awaitingMailColumns)
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .innerJoin(actors, eq(actors.id, notifications.actorId))
    .leftJoin(notificationSettings, eq(notificationSettings.userId, notifications.userId))
    .leftJoin(questions, eq(questions.id, notifications.questionId))
    .leftJoin(answers, eq(answers.id, notifications.answerId))
    .where(
      and(
        params.ids ? inArray(notifications.id, params.ids) : undefined,
        isNull(notifications.readAt),
        isNull(notifications.mailedAt),
        eq(users.emailVerified, true),
        isNull(questions.deletedAt),
        isNull(answers.deletedAt),
        eq(deliveryOf(params.defaults), params.delivery),
      ),
    )
    .orderBy(asc(notifications.userId), asc(notifications.id))
    .limit(params.limit);
}

/** Records that these notifications went out by mail, so no later mail repeats them. */
export async function markNotificationsMailed(db: Executor, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await markNotificationsMailedQuery(db, { ids, at: new Date() });
}

/**
 * The statement of `markNotificationsMailed` (`at`: the time recorded). Exported so the bench's bare twin
 * sends the very statement (bench/write-twins.ts).
 */
export function markNotificationsMailedQuery(
  db: Executor,
  params: { ids: readonly (number | Placeholder)[]; at: Date | Placeholder },
) {
  const { at } = params;
  return (
    db
      .update(notifications)
      // `set` takes no placeholder: a bound value goes in as a parameter of its own, the same `$n`.
      .set({ mailedAt: at instanceof Placeholder ? sql`${at}` : at })
      .where(inArray(notifications.id, params.ids))
  );
}
