import { bigint, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * Badges users earned: one row per user and badge (the contract's `badgeNames`), awarded in the
 * transaction of the action that earned it. Text rather than an enum, so a branch adds a badge without
 * a migration.
 */
export const badges = pgTable(
  'badges',
  {
    userId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    badge: text().notNull(),
    awardedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.badge] }),
    index('badges_awarded_idx').on(t.userId, t.awardedAt),
  ],
);
