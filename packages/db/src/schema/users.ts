import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { oauthProvider, userRole } from './enums';

/** Accounts. Email and username are unique case-insensitively (indexes on lower()). */
export const users = pgTable(
  'users',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    email: text().notNull(),
    username: text().notNull(),
    /** argon2id PHC string; null for accounts that only sign in through OAuth. */
    passwordHash: text(),
    displayName: text(),
    bio: text().notNull().default(''),
    bioHtml: text().notNull().default(''),
    avatarUrl: text(),
    role: userRole().notNull().default('user'),
    emailVerified: boolean().notNull().default(false),
    suspendedUntil: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`),
    uniqueIndex('users_username_lower_idx').on(sql`lower(${t.username})`),
  ],
);

/**
 * Sessions. The primary key is the SHA-256 (hex) of the token the client holds: a stolen
 * database never yields a usable token. `signedInAt` bounds the sliding expiry (absolute lifetime).
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text().primaryKey(),
    userId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    signedInAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    userAgent: text(),
    ip: text(),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

/** Links between a DevFlow account and an identity at an OAuth provider. */
export const oauthAccounts = pgTable(
  'oauth_accounts',
  {
    provider: oauthProvider().notNull(),
    providerUserId: text().notNull(),
    userId: bigint({ mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    email: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.providerUserId] }),
    index('oauth_accounts_user_id_idx').on(t.userId),
  ],
);
