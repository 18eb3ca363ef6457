import { type AnyPgColumn, bigint, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { replyTarget } from './enums';
import { users } from './users';

/**
 * Nested replies of any depth under a question or an answer. Every reply carries its thread's target
 * so the recursive CTE stays scoped to one thread; `parentId` is probed once per level through
 * `replies_parent_idx`. A deleted reply stays as a tombstone (`deletedAt`) so its children keep a parent.
 */
export const replies = pgTable(
  'replies',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    targetType: replyTarget().notNull(),
    targetId: bigint({ mode: 'number' }).notNull(),
    parentId: bigint({ mode: 'number' }).references((): AnyPgColumn => replies.id),
    depth: integer().notNull().default(0),
    authorId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id),
    body: text().notNull(),
    bodyHtml: text().notNull(),
    likes: integer().notNull().default(0),
    dislikes: integer().notNull().default(0),
    score: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('replies_thread_idx').on(t.targetType, t.targetId, t.parentId),
    index('replies_parent_idx').on(t.parentId),
    index('replies_author_idx').on(t.authorId, t.createdAt.desc().nullsFirst()),
  ],
);
