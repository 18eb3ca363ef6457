import { bigint, boolean, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per live channel (`q:<questionId>`, `u:<userId>`): the last sequence number handed out on it.
 * A writing transaction bumps this row (an UPDATE, so it holds the row lock until it commits or rolls
 * back) before it inserts its events: two transactions writing to one channel take their numbers one
 * after the other, so on every channel the numbers are handed out in commit order. `queries/events.ts`
 * explains why that matters.
 */
export const liveChannels = pgTable('live_channels', {
  channel: text().primaryKey(),
  lastSeq: bigint({ mode: 'number' }).notNull(),
});

/**
 * What changed, written in the same transaction as the change: the backlog live subscriptions replay
 * after a reconnect. `seq` counts per channel from 1 without gaps (pruning removes the oldest).
 * `postKey` names the post whose content the payload carries (`answer:12`), `parentKey` the post that
 * post hangs from; deleting a post redacts every event carrying its content (payload emptied, `redacted`).
 */
export const liveEvents = pgTable(
  'live_events',
  {
    channel: text().notNull(),
    seq: bigint({ mode: 'number' }).notNull(),
    type: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    postKey: text(),
    parentKey: text(),
    redacted: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.seq] }), index('live_events_created_idx').on(t.createdAt)],
);
