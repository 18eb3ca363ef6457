import { createTestCache } from '@devflow/cache/testing';
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
