import { bigint, index, pgTable, primaryKey, smallint, timestamp } from 'drizzle-orm/pg-core';
import { reactionTarget } from './enums';
import { users } from './users';

/** One like (+1) or dislike (-1) per user and post; clearing a reaction deletes its row. */
export const reactions = pgTable(
  'reactions',
  {
    userId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    targetType: reactionTarget().notNull(),
    targetId: bigint({ mode: 'number' }).notNull(),
    value: smallint().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.targetType, t.targetId] }),
    index('reactions_target_idx').on(t.targetType, t.targetId),
  ],
);
