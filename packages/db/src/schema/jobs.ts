import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The de-duplication record of mail delivery, one row per mail, keyed by the sender's de-duplication
 * key. An attempt claims the key (`claimed_at`, `job_id`) before it talks to the mail server and sets
 * `sent_at` once the server accepted the mail; a retried or re-enqueued job finding `sent_at` sends
 * nothing, and one finding a live claim of another job waits for its turn (see
 * `packages/api/src/platform/mail.ts`). Rows are pruned by the cleanup job once no retry can need them.
 */
export const mailDeliveries = pgTable(
  'mail_deliveries',
  {
    dedupeKey: text().primaryKey(),
    jobId: text(),
    claimedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('mail_deliveries_claimed_at_idx').on(t.claimedAt)],
);
