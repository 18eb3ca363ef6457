import {
  type AnyPgColumn,
  bigint,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { replyTarget } from './enums';
import { users } from './users';

/**
 * Nested replies of any depth under a question or an answer. Every reply carries its thread's target
 * so the recursive CTE stays scoped to one thread; `parentId` is probed once per parent through
 * `replies_parent_idx (parent_id, id)`, children oldest first. A deleted reply stays as a tombstone
 * (`deletedAt`) so its children keep a parent.
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
    /** Set while enough spam/rude flags hide the reply pending review: it shows as a tombstone. */
    hiddenAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // `id` last: a thread's top-level replies come out oldest first, so a capped read stops early.
    index('replies_thread_idx').on(t.targetType, t.targetId, t.parentId, t.id),
    // (parent_id, id): a parent's children come out oldest first with no sort, and a capped read stops early.
    index('replies_parent_idx').on(t.parentId, t.id),
    index('replies_author_idx').on(t.authorId, t.createdAt.desc().nullsFirst()),
  ],
);

/**
 * How many replies each thread holds (tombstones included), so a page of a thread reports its total
 * without counting the thread. Kept by statement-level triggers on `replies` (migration
 * `0009_reply_counts.sql`): every insert, delete and truncate, from the services, the seed, the transfer
 * import or psql alike, in the transaction that changes `replies`.
 */
export const replyCounts = pgTable(
  'reply_counts',
  {
    targetType: replyTarget().notNull(),
    targetId: bigint({ mode: 'number' }).notNull(),
    total: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.targetType, t.targetId] })],
);
