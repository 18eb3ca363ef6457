import { type Database, sessions, users } from '@devflow/db';
import { and, eq, lte, or, sql } from 'drizzle-orm';
import type { Adapter, DatabaseSession, DatabaseUser, Lucia } from 'lucia';

/** Sessions end this long after sign-in however often they slide (ASVS 7.3.2). */
export const ABSOLUTE_SESSION_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

/** The latest moment a session signed in at `signedInAt` may live until. */
export function absoluteExpiry(signedInAt: Date): Date {
  return new Date(signedInAt.getTime() + ABSOLUTE_SESSION_LIFETIME_MS);
}

/** The session columns lucia carries through as attributes. */
export type SessionAttributes = { signedInAt: Date; ip: string | null; userAgent: string | null };

/** The user columns lucia carries through as attributes (`ctx.user` is built from them). */
export type UserAttributes = {
  username: string;
  email: string;
  role: 'user' | 'moderator' | 'admin';
  emailVerified: boolean;
  suspendedUntil: Date | null;
};

declare module 'lucia' {
  interface Register {
    Lucia: Lucia<SessionAttributes, UserAttributes>;
    UserId: number;
    DatabaseSessionAttributes: SessionAttributes;
    DatabaseUserAttributes: UserAttributes;
  }
}

/**
 * Lucia's storage on DevFlow's Drizzle schema. Session ids are SHA-256 hashes of the tokens clients
 * hold (the hashing happens in `services/session.ts`). The absolute lifetime is enforced here, where
 * lucia cannot forget it: a session's expiry is reported as at most 90 days after sign-in (so lucia
 * refuses and deletes it), and an extension never moves it past that.
 */
export function createDrizzleSessionAdapter(db: Database): Adapter {
  // The hot path of every signed-in request: one primary-key lookup joined to users by primary key.
  const sessionAndUser = db
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

  const toDatabaseSession = (row: typeof sessions.$inferSelect): DatabaseSession => ({
    id: row.id,
    userId: row.userId,
    expiresAt: cappedExpiry(row.expiresAt, row.signedInAt),
    attributes: { signedInAt: row.signedInAt, ip: row.ip, userAgent: row.userAgent },
  });

  return {
    async getSessionAndUser(sessionId) {
      const [row] = await sessionAndUser.execute({ id: sessionId });
      if (!row) return [null, null];
      const session = toDatabaseSession(row);
      const user: DatabaseUser = {
        id: row.userId,
        attributes: {
          username: row.username,
          email: row.email,
          role: row.role,
          emailVerified: row.emailVerified,
          suspendedUntil: row.suspendedUntil,
        },
      };
      return [session, user];
    },
    async getUserSessions(userId) {
      const rows = await db.select().from(sessions).where(eq(sessions.userId, userId));
      return rows.map(toDatabaseSession);
    },
    async setSession(session) {
      await db.insert(sessions).values({
        id: session.id,
        userId: session.userId,
        expiresAt: cappedExpiry(session.expiresAt, session.attributes.signedInAt),
        signedInAt: session.attributes.signedInAt,
        ip: session.attributes.ip,
        userAgent: session.attributes.userAgent,
      });
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await db
        .update(sessions)
        .set({
          expiresAt: sql`least(${expiresAt.toISOString()}::timestamptz, ${sessions.signedInAt} + interval '90 days')`,
        })
        .where(eq(sessions.id, sessionId));
    },
    async deleteSession(sessionId) {
      await db.delete(sessions).where(eq(sessions.id, sessionId));
    },
    async deleteUserSessions(userId) {
      await db.delete(sessions).where(eq(sessions.userId, userId));
    },
    async deleteExpiredSessions() {
      await db
        .delete(sessions)
        .where(
          or(lte(sessions.expiresAt, sql`now()`), lte(sessions.signedInAt, sql`now() - interval '90 days'`)),
        );
    },
  };
}

/** `expiresAt`, but never past the absolute lifetime. */
export function cappedExpiry(expiresAt: Date, signedInAt: Date): Date {
  const cap = absoluteExpiry(signedInAt);
  return expiresAt < cap ? expiresAt : cap;
}

/** Filter helper kept next to the adapter: sessions of `userId` that have ended. */
export const endedSessionsOf = (userId: number) =>
  and(
    eq(sessions.userId, userId),
    or(lte(sessions.expiresAt, sql`now()`), lte(sessions.signedInAt, sql`now() - interval '90 days'`)),
  );
