import {
  type Database,
  deleteEndedSessions,
  deleteEndedSessionsOf,
  deleteSession,
  deleteUserSessions,
  type Executor,
  extendSession,
  findSessionAndUser,
  insertSession,
  type SessionAndUserRow,
  type SessionRow,
  sessionsOfUser,
} from '@devflow/db';
import type { Adapter, DatabaseSession, DatabaseUser, Lucia } from 'lucia';

/** Sessions end this many days after sign-in however often they slide (ASVS 7.3.2). */
export const ABSOLUTE_SESSION_LIFETIME_DAYS = 90;

/** `ABSOLUTE_SESSION_LIFETIME_DAYS` in milliseconds. */
export const ABSOLUTE_SESSION_LIFETIME_MS = ABSOLUTE_SESSION_LIFETIME_DAYS * 24 * 60 * 60 * 1000;

/** The latest moment a session signed in at `signedInAt` may live until. */
export function absoluteExpiry(signedInAt: Date): Date {
  return new Date(signedInAt.getTime() + ABSOLUTE_SESSION_LIFETIME_MS);
}

/** The session columns lucia carries through as attributes. */
export type SessionAttributes = { signedInAt: Date; ip: string | null; userAgent: string | null };

/** The user columns lucia carries through as attributes (`ctx.user` is built from them). */
export type UserAttributes = Pick<
  SessionAndUserRow,
  'username' | 'email' | 'role' | 'emailVerified' | 'suspendedUntil'
>;

declare module 'lucia' {
  interface Register {
    Lucia: Lucia<SessionAttributes, UserAttributes>;
    UserId: number;
    DatabaseSessionAttributes: SessionAttributes;
    DatabaseUserAttributes: UserAttributes;
  }
}

/** The lifetime rule as the session queries take it. */
const LIFETIME = { absoluteLifetimeDays: ABSOLUTE_SESSION_LIFETIME_DAYS } as const;

/** The session columns of a stored session (either query's row has them). */
type StoredSession = Pick<SessionRow, 'id' | 'userId' | 'expiresAt' | 'signedInAt' | 'ip' | 'userAgent'>;

function toDatabaseSession(row: StoredSession): DatabaseSession {
  return {
    id: row.id,
    userId: row.userId,
    expiresAt: cappedExpiry(row.expiresAt, row.signedInAt),
    attributes: { signedInAt: row.signedInAt, ip: row.ip, userAgent: row.userAgent },
  };
}

/**
 * Lucia's storage on DevFlow's session queries (`packages/db/src/queries/session.ts`). Session ids are
 * SHA-256 hashes of the tokens clients hold (the hashing happens in `session.ts` beside it). The absolute
 * lifetime is enforced here, where lucia cannot forget it: a session's expiry is reported as at most 90
 * days after sign-in (so lucia refuses and deletes it), and an extension never moves it past that.
 */
export function createDrizzleSessionAdapter(db: Database): Adapter {
  return {
    async getSessionAndUser(sessionId) {
      const row = await findSessionAndUser(db, sessionId);
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
      const rows = await sessionsOfUser(db, userId);
      return rows.map(toDatabaseSession);
    },
    async setSession(session) {
      await insertSession(db, {
        id: session.id,
        userId: session.userId,
        expiresAt: cappedExpiry(session.expiresAt, session.attributes.signedInAt),
        signedInAt: session.attributes.signedInAt,
        ip: session.attributes.ip,
        userAgent: session.attributes.userAgent,
      });
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await extendSession(db, { ...LIFETIME, sessionId, expiresAt });
    },
    async deleteSession(sessionId) {
      await deleteSession(db, sessionId);
    },
    async deleteUserSessions(userId) {
      await deleteUserSessions(db, userId);
    },
    async deleteExpiredSessions() {
      await deleteEndedSessions(db, LIFETIME);
    },
  };
}

/** `expiresAt`, but never past the absolute lifetime. */
export function cappedExpiry(expiresAt: Date, signedInAt: Date): Date {
  const cap = absoluteExpiry(signedInAt);
  return expiresAt < cap ? expiresAt : cap;
}

/** Deletes the ended sessions of `userId` (a new sign-in sweeps them). */
export async function sweepEndedSessions(db: Executor, userId: number): Promise<void> {
  await deleteEndedSessionsOf(db, { ...LIFETIME, userId });
}

/** Deletes every ended session of every user (the scheduled cleanup job); returns how many went. */
export async function deleteAllEndedSessions(db: Executor): Promise<number> {
  return deleteEndedSessions(db, LIFETIME);
}
