import { queryRows, sessions } from '@devflow/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, createTestUser, type TestDeps } from '../../testing';
import {
  createSession,
  invalidateUserSessions,
  refreshUserSessions,
  sessionIdOf,
  validateSessionToken,
} from './session';

const DAY = 24 * 60 * 60 * 1000;

describe('sessions', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps();
  });
  afterAll(() => deps.close());

  const setTimes = async (token: string, times: { expiresAt?: Date; signedInAt?: Date }) => {
    await deps.db
      .update(sessions)
      .set(times)
      .where(eq(sessions.id, sessionIdOf(token)));
    await refreshCache(token);
  };
  // The cache holds a validated session for a few seconds; tests that rewrite rows drop it first.
  const refreshCache = (token: string) => deps.cache.del(`session:${sessionIdOf(token)}`);

  it('stores only the SHA-256 of the token and resolves the token to its user', async () => {
    const user = await createTestUser(deps);
    const { token, expiresAt } = await createSession(deps, {
      userId: user.id,
      ip: '10.0.0.1',
      userAgent: 'vitest',
    });
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
    const rows = await queryRows<{ id: string }>(
      deps.db,
      sql`select id from sessions where user_id = ${user.id}`,
    );
    expect(rows).toEqual([{ id: sessionIdOf(token) }]);
    expect(JSON.stringify(rows)).not.toContain(token);
    const valid = await validateSessionToken(deps, token);
    expect(valid?.user).toMatchObject({ id: user.id, username: user.username, role: 'user' });
    expect(valid?.refreshed).toBe(false);
    expect(await validateSessionToken(deps, `${token.slice(0, -1)}x`)).toBeNull();
  });

  it('extends a session used in its last 15 days, but never past 90 days after sign-in', async () => {
    const user = await createTestUser(deps);
    const { token } = await createSession(deps, { userId: user.id, ip: null, userAgent: null });
    await setTimes(token, {
      expiresAt: new Date(Date.now() + 3 * DAY),
      signedInAt: new Date(Date.now() - 27 * DAY),
    });
    const slid = await validateSessionToken(deps, token);
    expect(slid?.refreshed).toBe(true);
    expect(slid?.session.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);

    await setTimes(token, {
      expiresAt: new Date(Date.now() + 2 * DAY),
      signedInAt: new Date(Date.now() - 85 * DAY),
    });
    const capped = await validateSessionToken(deps, token);
    const [row] = await deps.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, sessionIdOf(token)));
    expect(capped?.session.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 5 * DAY + 1000);
    expect(row?.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 5 * DAY + 1000);
  });

  it('refuses and deletes expired sessions and sessions past their absolute lifetime', async () => {
    const user = await createTestUser(deps);
    const expired = await createSession(deps, { userId: user.id, ip: null, userAgent: null });
    await setTimes(expired.token, { expiresAt: new Date(Date.now() - 1000) });
    expect(await validateSessionToken(deps, expired.token)).toBeNull();

    const old = await createSession(deps, { userId: user.id, ip: null, userAgent: null });
    await setTimes(old.token, {
      signedInAt: new Date(Date.now() - 91 * DAY),
      expiresAt: new Date(Date.now() + 20 * DAY),
    });
    expect(await validateSessionToken(deps, old.token)).toBeNull();

    const left = await deps.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(left).toEqual([]);
  });

  it('serves a role change and a sign-out everywhere at the next validation despite the cache', async () => {
    const user = await createTestUser(deps);
    const { token } = await createSession(deps, { userId: user.id, ip: null, userAgent: null });
    expect((await validateSessionToken(deps, token))?.user.role).toBe('user');
    await queryRows(deps.db, sql`update users set role = 'moderator' where id = ${user.id}`);
    await refreshUserSessions(deps, user.id);
    expect((await validateSessionToken(deps, token))?.user.role).toBe('moderator');
    await invalidateUserSessions(deps, user.id);
    expect(await validateSessionToken(deps, token)).toBeNull();
  });
});
