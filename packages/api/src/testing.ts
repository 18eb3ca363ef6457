import { createTestCache } from '@devflow/cache/testing';
import { users } from '@devflow/db';
import { createTestDb } from '@devflow/db/testing';
import { type ApiConfig, defaultApiConfig } from './config';
import { createContextInner, type SessionUser } from './context';
import { type ApiDeps, silentLogger } from './deps';
import { createCaller } from './root';

/** Dependencies for one test file, on the backends the run targets, and how to release them. */
export type TestDeps = ApiDeps & { close(): Promise<void> };

/**
 * Opens a fresh database and cache namespace for one test file (PGlite + memory by default, PostgreSQL +
 * Redis when `DATABASE_URL` / `REDIS_URL` are set). Call `close()` in `afterAll`.
 */
export async function createTestDeps(config: Partial<ApiConfig> = {}): Promise<TestDeps> {
  const dbHandle = await createTestDb();
  const cache = createTestCache();
  return {
    db: dbHandle.db,
    dbHandle,
    cache,
    config: defaultApiConfig(config),
    log: silentLogger,
    close: async () => {
      await Promise.all([dbHandle.close(), cache.close()]);
    },
  };
}

/** A caller acting as `user` (or anonymous), without HTTP. */
export function callerFor(deps: ApiDeps, user: SessionUser | null = null) {
  return createCaller(createContextInner({ deps, user }));
}

let sequence = 0;

/** Inserts a user directly (no password, no HTTP) and returns it as procedures see it. */
export async function createTestUser(
  deps: Pick<ApiDeps, 'db'>,
  overrides: Partial<{
    username: string;
    email: string;
    role: SessionUser['role'];
    suspendedUntil: Date | null;
    emailVerified: boolean;
  }> = {},
): Promise<SessionUser> {
  sequence += 1;
  const username = overrides.username ?? `user${sequence}_${Math.random().toString(36).slice(2, 8)}`;
  const [row] = await deps.db
    .insert(users)
    .values({
      username,
      email: overrides.email ?? `${username}@example.com`,
      role: overrides.role ?? 'user',
      suspendedUntil: overrides.suspendedUntil ?? null,
      emailVerified: overrides.emailVerified ?? true,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    emailVerified: row.emailVerified,
    suspendedUntil: row.suspendedUntil,
  };
}
