import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import {
  closeReason,
  closeVoteKind,
  closeVoteState,
  flagReason,
  flagStatus,
  reactionTarget,
  reviewQueue,
  revisionTarget,
  suggestedEditState,
} from './enums';
import { questions } from './questions';
import { users } from './users';

/**
 * Flags on posts (questions, answers, replies). At most one open flag per user and post
 * (`flags_open_user_idx`); `flags_target_idx` counts a post's open flags.
 */
export const flags = pgTable(
  'flags',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    targetType: reactionTarget().notNull(),
    targetId: bigint({ mode: 'number' }).notNull(),
    userId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: flagReason().notNull(),
    note: text(),
    status: flagStatus().notNull().default('open'),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    resolvedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [
    uniqueIndex('flags_open_user_idx')
      .on(t.userId, t.targetType, t.targetId)
      .where(sql`${t.status} = 'open'`),
    index('flags_target_idx').on(t.targetType, t.targetId, t.status),
  ],
);

/**
 * Suggested edits: a full proposed snapshot (title and tags only for questions) and the snapshot of the
 * post it was made against (`base*`), so a reviewer sees what changed since.
 */
export const suggestedEdits = pgTable(
  'suggested_edits',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    targetType: revisionTarget().notNull(),
    targetId: bigint({ mode: 'number' }).notNull(),
    authorId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    baseTitle: text(),
    baseBody: text().notNull(),
    baseTags: text().array(),
    title: text(),
    body: text().notNull(),
    tags: text().array(),
    comment: text(),
    state: suggestedEditState().notNull().default('pending'),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('suggested_edits_target_idx').on(t.targetType, t.targetId, t.state)],
);

/**
 * The review queue: one item per thing to decide. At most one open item per queue and post (and per
 * suggestion), `review_items_open_idx`; the decision (action, who, when) stays on the item.
 */
export const reviewItems = pgTable(
  'review_items',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    queue: reviewQueue().notNull(),
    targetType: reactionTarget().notNull(),
    targetId: bigint({ mode: 'number' }).notNull(),
    suggestedEditId: bigint({ mode: 'number' }).references(() => suggestedEdits.id, { onDelete: 'cascade' }),
    action: text(),
    resolvedById: bigint({ mode: 'number' }).references(() => users.id),
    resolvedAt: timestamp({ withTimezone: true, precision: 3 }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('review_items_open_idx')
      .on(t.queue, t.targetType, t.targetId, sql`coalesce(${t.suggestedEditId}, 0)`)
      .where(sql`${t.resolvedAt} is null`),
    index('review_items_queue_idx').on(t.queue, t.id).where(sql`${t.resolvedAt} is null`),
    index('review_items_resolved_idx').on(t.resolvedAt.desc().nullsFirst(), t.id),
  ],
);

/** Votes to close or reopen a question; one active vote of a kind per user and question. */
export const closeVotes = pgTable(
  'close_votes',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    questionId: bigint({ mode: 'number' })
      .notNull()
      .references(() => questions.id, { onDelete: 'cascade' }),
    userId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: closeVoteKind().notNull(),
    reason: closeReason(),
    duplicateOfId: bigint({ mode: 'number' }).references(() => questions.id),
    state: closeVoteState().notNull().default('active'),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [
    uniqueIndex('close_votes_active_idx')
      .on(t.questionId, t.userId, t.kind)
      .where(sql`${t.state} = 'active'`),
  ],
);
