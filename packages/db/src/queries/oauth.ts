import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { oauthAccounts, users } from '../schema';

/** A provider name as stored in `oauth_accounts.provider`. */
export type OAuthProviderName = (typeof oauthAccounts.$inferSelect)['provider'];

/** Identifies one identity at one provider. */
export type OAuthIdentityKey = { provider: OAuthProviderName; providerUserId: string };

/** The link of a provider identity, or undefined when nobody has linked it yet. */
export async function findOAuthAccount(db: Executor, key: OAuthIdentityKey) {
  const [row] = await db
    .select()
    .from(oauthAccounts)
    .where(
      and(eq(oauthAccounts.provider, key.provider), eq(oauthAccounts.providerUserId, key.providerUserId)),
    )
    .limit(1);
  return row;
}

/** Links a provider identity to a user; the (provider, provider user id) primary key keeps it unique. */
export async function insertOAuthAccount(
  db: Executor,
  params: OAuthIdentityKey & { userId: number; email: string | null },
) {
  const [row] = await db.insert(oauthAccounts).values(params).returning();
  if (!row) throw new Error('insert into oauth_accounts returned no row');
  return row;
}

/** Records the email the provider reported at the latest sign-in. */
export async function updateOAuthAccountEmail(db: Executor, key: OAuthIdentityKey, email: string | null) {
  await db
    .update(oauthAccounts)
    .set({ email })
    .where(
      and(eq(oauthAccounts.provider, key.provider), eq(oauthAccounts.providerUserId, key.providerUserId)),
    );
}

/** Every identity linked to `userId`, oldest link first. */
export async function listOAuthAccounts(db: Executor, userId: number) {
  return db
    .select()
    .from(oauthAccounts)
    .where(eq(oauthAccounts.userId, userId))
    .orderBy(asc(oauthAccounts.createdAt), asc(oauthAccounts.provider));
}

/** Removes the user's links to `provider`; returns how many were removed. */
export async function deleteOAuthAccounts(
  db: Executor,
  params: { userId: number; provider: OAuthProviderName },
) {
  const removed = await db
    .delete(oauthAccounts)
    .where(and(eq(oauthAccounts.userId, params.userId), eq(oauthAccounts.provider, params.provider)))
    .returning({ provider: oauthAccounts.provider });
  return removed.length;
}

/** The account owning `email`, compared case-insensitively (the `users_email_lower_idx` index). */
export async function findUserByEmail(db: Executor, email: string) {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1);
  return row;
}

/** Whether `userId` can sign in with a password (null when the account is gone). */
export async function userHasPassword(db: Executor, userId: number): Promise<boolean | null> {
  const [row] = await db
    .select({ hasPassword: sql<boolean>`${users.passwordHash} is not null` })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row ? row.hasPassword : null;
}

/**
 * The user row for `userId`, locked until the transaction ends, so two concurrent unlinks cannot both
 * remove "the other" sign-in method.
 */
export async function lockUser(db: Executor, userId: number) {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).for('update').limit(1);
  return row;
}

/** Which of `candidates` are already usernames (compared lower-cased, through `users_username_lower_idx`). */
export async function takenUsernames(db: Executor, candidates: string[]): Promise<Set<string>> {
  if (candidates.length === 0) return new Set();
  const lowered = candidates.map((candidate) => candidate.toLowerCase());
  const rows = await db
    .select({ username: sql<string>`lower(${users.username})` })
    .from(users)
    .where(inArray(sql`lower(${users.username})`, lowered));
  return new Set(rows.map((row) => row.username));
}

/** Whether some account already uses `email` (case-insensitively). */
export async function emailTaken(db: Executor, email: string): Promise<boolean> {
  return (await findUserByEmail(db, email)) !== undefined;
}

/**
 * Marks the user's email verified and drops any password: the email's proven owner is taking over an
 * account someone may have registered with their address before (pre-hijacking). The caller also
 * ends the account's sessions.
 */
export async function claimUnverifiedAccount(db: Executor, userId: number) {
  await db
    .update(users)
    .set({ emailVerified: true, passwordHash: null, updatedAt: new Date() })
    .where(eq(users.id, userId));
}
