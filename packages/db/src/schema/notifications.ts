import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { notificationType } from './enums';
import { users } from './users';

/** What happened to a user's posts or profile, created in the same transaction as its cause. */
export const notifications = pgTable(
  'notifications',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: notificationType().notNull(),
    actorId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    questionId: bigint({ mode: 'number' }),
    answerId: bigint({ mode: 'number' }),
    replyId: bigint({ mode: 'number' }),
    /** The badge a `badge` notification announces (`badges.badge`). */
    badge: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp({ withTimezone: true }),
    /** When it went out by mail (instantly or in a digest); null while it waits for a digest or never will. */
    mailedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.id.desc().nullsFirst()),
    // Digests: a user's unread notifications not mailed yet.
    index('notifications_digest_idx')
      .on(t.userId, t.id)
      .where(sql`${t.readAt} is null and ${t.mailedAt} is null`),
    index('notifications_unread_idx').on(t.userId, t.id.desc().nullsFirst()).where(sql`${t.readAt} is null`),
  ],
);
