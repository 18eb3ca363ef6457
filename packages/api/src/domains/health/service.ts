import type { CacheKind } from '@devflow/cache';
import type { DbKind } from '@devflow/db';
import type { ApiDeps } from '../../deps';

/** What `/healthz` and `health.check` report. */
export type Health = { ok: boolean; db: DbKind; cache: CacheKind; dbUp: boolean; cacheUp: boolean };

/**
 * Asks the database and the cache whether they answer, in parallel, each within `timeoutMs`: a dead
 * dependency makes the check slow by at most that much, never hang.
 */
export async function checkHealth(
  deps: Pick<ApiDeps, 'dbHandle' | 'cache'>,
  timeoutMs = 1000,
): Promise<Health> {
  const [dbUp, cacheUp] = await Promise.all([
    deps.dbHandle.ping(timeoutMs),
    deps.cache.ping(timeoutMs).catch(() => false),
  ]);
  return { ok: dbUp && cacheUp, db: deps.dbHandle.kind, cache: deps.cache.kind, dbUp, cacheUp };
}

/** `health.check`'s answer: whether the service is up and what it runs on (not which part is down). */
export async function publicHealth(
  deps: Pick<ApiDeps, 'dbHandle' | 'cache'>,
): Promise<Pick<Health, 'ok' | 'db' | 'cache'>> {
  const { ok, db, cache } = await checkHealth(deps);
  return { ok, db, cache };
}
