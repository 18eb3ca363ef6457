import { createHash, randomBytes } from 'node:crypto';
import type { Cache } from '@devflow/cache';
import { type Database, deleteUserSessions, type Executor, sessionIdsOfUser } from '@devflow/db';
import { Cookie, Lucia, TimeSpan } from 'lucia';
import { z } from 'zod';
import type { ApiConfig } from '../../config';
import type { ApiDeps } from '../../deps';
import type { SessionUser } from '../../trpc/context';
import {
  cappedExpiry,
  createDrizzleSessionAdapter,
  type SessionAttributes,
  sweepEndedSessions,
  type UserAttributes,
} from './session-adapter';

/** The name of the session cookie (README, Authentication; SECURITY.md, Sessions). */
export const SESSION_COOKIE = 'devflow_session';

/** Sessions last 30 days and slide when used in their last 15 (lucia extends past half-life). */
export const SESSION_LIFETIME = new TimeSpan(30, 'd');

/** How long a validated session is served from the cache; role changes and suspensions also evict it. */
export const SESSION_CACHE_TTL_SECONDS = 30;

type DevflowLucia = Lucia<SessionAttributes, UserAttributes>;

const luciaByDb = new WeakMap<Database, DevflowLucia>();

/** The lucia instance of this database (one per `deps.db`, built on first use). */
function luciaOf(db: Database): DevflowLucia {
  let lucia = luciaByDb.get(db);
  if (!lucia) {
    lucia = new Lucia(createDrizzleSessionAdapter(db), {
      sessionExpiresIn: SESSION_LIFETIME,
      sessionCookie: { name: SESSION_COOKIE },
      getSessionAttributes: (attributes) => attributes,
      getUserAttributes: (attributes) => attributes,
    });
    luciaByDb.set(db, lucia);
  }
  return lucia;
}

/** A signed-in session as the context sees it. */
export type ValidSession = {
  user: SessionUser;
  session: { id: string; expiresAt: Date; signedInAt: Date };
  /** True when this validation extended the session: the cookie should be sent again. */
  refreshed: boolean;
};

/** The session id stored for a token: SHA-256 hex, so the database never holds a usable token. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,128}$/;

const cacheKey = (sessionId: string) => `session:${sessionId}`;

/**
 * Starts a session for `userId` (every sign-in gets a new token) and returns the token the client
 * keeps. Ended sessions of the same user are swept on the way.
 */
export async function createSession(
  deps: Pick<ApiDeps, 'db'>,
  params: { userId: number; ip: string | null; userAgent: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  await sweepEndedSessions(deps.db, params.userId);
  const session = await luciaOf(deps.db).createSession(
    params.userId,
    {
      signedInAt: new Date(),
      ip: params.ip?.slice(0, 100) ?? null,
      userAgent: params.userAgent?.slice(0, 500) ?? null,
    },
    { sessionId: sessionIdOf(token) },
  );
  return { token, expiresAt: session.expiresAt };
}

/** What the cache keeps for a validated session (JSON; dates as ISO strings). */
const cachedSessionSchema = z.object({
  user: z.object({
    id: z.number(),
    username: z.string(),
    email: z.string(),
    role: z.enum(['user', 'moderator', 'admin']),
    emailVerified: z.boolean(),
    suspendedUntil: z.string().nullable(),
  }),
  session: z.object({ id: z.string(), expiresAt: z.string(), signedInAt: z.string() }),
});

type CachedSession = z.infer<typeof cachedSessionSchema>;

/**
 * Resolves a token to its user and session, or null when it is unknown, expired, or past the absolute
 * lifetime (those are deleted). Costs a cache hit, or one indexed query (sessions ⋈ users by primary
 * key) plus an update when the session slides. The cache fails open: when it is down, the database
 * answers.
 */
export async function validateSessionToken(
  deps: Pick<ApiDeps, 'db' | 'cache' | 'log'>,
  token: string,
): Promise<ValidSession | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const sessionId = sessionIdOf(token);
  const now = Date.now();

  const cached = await deps.cache.get(cacheKey(sessionId)).catch(() => null);
  if (cached) {
    const hit = parseCached(cached);
    if (hit && hit.session.expiresAt.getTime() > now) return { ...hit, refreshed: false };
  }

  const { session, user } = await luciaOf(deps.db).validateSession(sessionId);
  if (!session || !user) {
    await deps.cache.del(cacheKey(sessionId)).catch(() => undefined);
    return null;
  }
  const expiresAt = cappedExpiry(session.expiresAt, session.signedInAt);
  const valid: ValidSession = {
    user: {
      id: user.id,
      username: user.username,
      email: user.email,
      role: user.role,
      emailVerified: user.emailVerified,
      suspendedUntil: user.suspendedUntil,
    },
    session: { id: session.id, expiresAt, signedInAt: session.signedInAt },
    refreshed: session.fresh,
  };
  const ttl = Math.min(SESSION_CACHE_TTL_SECONDS, Math.floor((expiresAt.getTime() - now) / 1000));
  if (ttl >= 1) {
    const entry: CachedSession = {
      user: { ...valid.user, suspendedUntil: valid.user.suspendedUntil?.toISOString() ?? null },
      session: {
        id: session.id,
        expiresAt: expiresAt.toISOString(),
        signedInAt: session.signedInAt.toISOString(),
      },
    };
    await deps.cache.set(cacheKey(sessionId), JSON.stringify(entry), ttl).catch(() => undefined);
  }
  return valid;
}

function parseCached(text: string): Omit<ValidSession, 'refreshed'> | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = cachedSessionSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { user, session } = parsed.data;
  return {
    user: { ...user, suspendedUntil: user.suspendedUntil ? new Date(user.suspendedUntil) : null },
    session: {
      id: session.id,
      expiresAt: new Date(session.expiresAt),
      signedInAt: new Date(session.signedInAt),
    },
  };
}

/** Ends one session (sign-out) by its id and forgets it in the cache. */
export async function invalidateSession(
  deps: Pick<ApiDeps, 'db' | 'cache'>,
  sessionId: string,
): Promise<void> {
  await luciaOf(deps.db).invalidateSession(sessionId);
  await deps.cache.del(cacheKey(sessionId)).catch(() => undefined);
}

/**
 * Ends every session of a user (sign-out everywhere, password reset) and forgets them in the cache.
 * `deps.db` may be an open transaction, so the sessions end together with the change that ends them.
 */
export async function invalidateUserSessions(
  deps: { db: Executor; cache: Cache },
  userId: number,
): Promise<void> {
  await forget(deps, await deleteUserSessions(deps.db, userId));
}

/**
 * Drops the cached copies of a user's sessions so the next request reads the account afresh: call it
 * after a role change, suspension or profile change (the sessions themselves stay valid).
 */
export async function refreshUserSessions(
  deps: { db: Executor; cache: Cache },
  userId: number,
): Promise<void> {
  await forget(deps, await sessionIdsOfUser(deps.db, userId));
}

async function forget(deps: Pick<ApiDeps, 'cache'>, sessionIds: string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  await deps.cache.del(...sessionIds.map(cacheKey)).catch(() => undefined);
}

/** The `Set-Cookie` value that hands `token` to a browser until `expiresAt`. */
export function serializeSessionCookie(
  config: Pick<ApiConfig, 'secureCookies'>,
  token: string,
  expiresAt: Date,
): string {
  return new Cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.secureCookies,
    maxAge: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
  }).serialize();
}

/**
 * Where a sign-in or sign-out leaves the browser's session cookie: `Set-Cookie` headers on the response
 * of the HTTP call (`Context.cookies`); outside HTTP (a test's caller, a job) the headers go nowhere.
 */
export type SessionCookies = {
  /** Hands `token` to the browser until `expiresAt`. */
  set(token: string, expiresAt: Date): void;
  /** Removes the session cookie. */
  clear(): void;
};

/** The session cookie of one response: headers appended to `resHeaders` (nothing when it is null). */
export function sessionCookiesOf(
  config: Pick<ApiConfig, 'secureCookies'>,
  resHeaders: Headers | null,
): SessionCookies {
  return {
    set: (token, expiresAt) =>
      resHeaders?.append('set-cookie', serializeSessionCookie(config, token, expiresAt)),
    clear: () => resHeaders?.append('set-cookie', blankSessionCookie(config)),
  };
}

/** The `Set-Cookie` value that removes the session cookie. */
export function blankSessionCookie(config: Pick<ApiConfig, 'secureCookies'>): string {
  return new Cookie(SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.secureCookies,
    maxAge: 0,
  }).serialize();
}
