import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Database, Executor } from '../client';
import { sessions, users } from '../schema';

/** A row of the `sessions` table (ids are SHA-256 hashes of the tokens clients hold). */
export type SessionRow = typeof sessions.$inferSelect;

/** What `insertSession` stores. */
export type NewSessionRow = typeof sessions.$inferInsert;

/**
 * The session lifetime rule the queries apply in SQL: a session has ended once `expires_at` is past or
 * it signed in more than `absoluteLifetimeDays` days ago. The number comes from the caller
 * (`packages/api/src/domains/auth/session-adapter.ts`), so the rule has one owner.
 */
export type SessionLifetime = { absoluteLifetimeDays: number };

/** `signed_in_at + <days> days` on the database clock. */
function absoluteEnd(lifetime: SessionLifetime): SQL {
  return sql`${sessions.signedInAt} + ${`${lifetime.absoluteLifetimeDays} days`}::interval`;
}

/** Sessions that have ended by either clock (expired, or past the absolute lifetime). */
function ended(lifetime: SessionLifetime): SQL {
  const days = `${lifetime.absoluteLifetimeDays} days`;
  return sql`(${sessions.expiresAt} <= now() or ${sessions.signedInAt} <= now() - ${days}::interval)`;
}

/** The hot path of every signed-in request: one primary-key lookup joined to users by primary key. */
function prepareSessionAndUser(db: Database) {
  return db
    .select({
      id: sessions.id,
      userId: sessions.userId,
      expiresAt: sessions.expiresAt,
      signedInAt: sessions.signedInAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
      username: users.username,
      email: users.email,
      role: users.role,
      emailVerified: users.emailVerified,
      suspendedUntil: users.suspendedUntil,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .limit(1)
    .prepare('session_and_user');
}

const sessionAndUserByDb = new WeakMap<Database, ReturnType<typeof prepareSessionAndUser>>();

/**
 * The session `sessionId` with the account columns a request needs, or undefined. A prepared statement,
 * built once per database handle.
 */
export async function findSessionAndUser(db: Database, sessionId: string) {
  let statement = sessionAndUserByDb.get(db);
  if (!statement) {
    statement = prepareSessionAndUser(db);
    sessionAndUserByDb.set(db, statement);
  }
  const [row] = await statement.execute({ id: sessionId });
  return row;
}

/** One row of `findSessionAndUser`: the session's columns and the account's. */
export type SessionAndUserRow = NonNullable<Awaited<ReturnType<typeof findSessionAndUser>>>;

/** Every session of `userId`, ended ones included. */
export async function sessionsOfUser(db: Executor, userId: number): Promise<SessionRow[]> {
  return db.select().from(sessions).where(eq(sessions.userId, userId));
}

/** The ids of every session of `userId` (to drop their cached validations). */
export async function sessionIdsOfUser(db: Executor, userId: number): Promise<string[]> {
  const rows = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId));
  return rows.map((row) => row.id);
}

/** Stores a new session. */
export async function insertSession(db: Executor, row: NewSessionRow): Promise<void> {
  await db.insert(sessions).values(row);
}

/** Moves a session's expiry to `expiresAt`, but never past its absolute end (computed in SQL). */
export async function extendSession(
  db: Executor,
  params: SessionLifetime & { sessionId: string; expiresAt: Date },
): Promise<void> {
  await db
    .update(sessions)
    .set({ expiresAt: sql`least(${params.expiresAt.toISOString()}::timestamptz, ${absoluteEnd(params)})` })
    .where(eq(sessions.id, params.sessionId));
}

/** Deletes one session (sign-out). */
export async function deleteSession(db: Executor, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Deletes every session of `userId`; returns the ids of the deleted sessions. */
export async function deleteUserSessions(db: Executor, userId: number): Promise<string[]> {
  const rows = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return rows.map((row) => row.id);
}

/** Deletes the sessions of `userId` that have ended (swept at each new sign-in). */
export async function deleteEndedSessionsOf(
  db: Executor,
  params: SessionLifetime & { userId: number },
): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.userId, params.userId), ended(params)));
}

/** Deletes every ended session of every user; returns how many went. */
export async function deleteEndedSessions(db: Executor, lifetime: SessionLifetime): Promise<number> {
  const rows = await db.delete(sessions).where(ended(lifetime)).returning({ id: sessions.id });
  return rows.length;
}
