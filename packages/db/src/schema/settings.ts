import { sql } from 'drizzle-orm';
import { bigint, check, jsonb, pgTable, smallint, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * The site's moderation settings (privilege preset, threshold overrides, flag and close-vote numbers):
 * one row (`id = 1`) holding the JSON the contract's `siteSettings` schema parses. Absent until an admin
 * first saves settings; the defaults apply until then.
 */
export const settings = pgTable(
  'site_settings',
  {
    id: smallint().primaryKey().default(1),
    settings: jsonb().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedBy: bigint({ mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [check('site_settings_one_row', sql`${t.id} = 1`)],
);
