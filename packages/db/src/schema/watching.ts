import { bigint, index, pgTable, primaryKey, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { mailDelivery, replyTarget } from './enums';
import { tags } from './questions';
import { users } from './users';

/** Tags a user watches: new questions carrying them reach the user's feed and notifications. */
export const tagWatches = pgTable(
  'tag_watches',
  {
    userId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tagId: bigint({ mode: 'number' })
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  // The primary key serves "what does X watch"; the tag index serves "who watches this tag" (fan-out).
  (t) => [primaryKey({ columns: [t.userId, t.tagId] }), index('tag_watches_tag_idx').on(t.tagId)],
);

/**
 * Questions a user watches (asking or answering watches one): new answers reach the user's feed and
 * notifications. The question id is not a foreign key, like `notifications.question_id`: a question is
 * soft-deleted, and the watch simply stops mattering.
 */
export const questionWatches = pgTable(
  'question_watches',
  {
    userId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    questionId: bigint({ mode: 'number' }).notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.questionId] }),
    index('question_watches_question_idx').on(t.questionId),
  ],
);

/** Posts a user saved for later; private to that user. */
export const bookmarks = pgTable(
  'bookmarks',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    targetType: replyTarget().notNull(),
    targetId: bigint({ mode: 'number' }).notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('bookmarks_target_idx').on(t.userId, t.targetType, t.targetId),
    // bookmark.list: newest saved first, keyset on (created_at, id).
    index('bookmarks_user_idx').on(t.userId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

/**
 * How each kind of notification reaches a user by mail. A null column (or no row) means the default of
 * `@devflow/contract` `NOTIFICATION_DEFAULTS`, the one place defaults are written.
 */
export const notificationSettings = pgTable('notification_settings', {
  userId: bigint({ mode: 'number' })
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  answer: mailDelivery(),
  reply: mailDelivery(),
  follow: mailDelivery(),
  accepted: mailDelivery(),
  watchedQuestion: mailDelivery(),
  watchedTag: mailDelivery(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
