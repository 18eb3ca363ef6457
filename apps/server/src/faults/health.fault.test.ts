import { defaultApiConfig, silentLogger } from '@devflow/api';
import { createTestJobQueue } from '@devflow/api/testing';
import { type Cache, createCache } from '@devflow/cache';
import { createDb, type DbHandle } from '@devflow/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { createLogger } from '../logger';
import { type PrivateService, startPrivatePostgres, startPrivateRedis } from '../testing/private-services';

/** Polls `/healthz` until it answers `status`, or fails after `timeoutMs`. */
async function waitForStatus(app: ReturnType<typeof createApp>, status: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    const started = Date.now();
    const response = await app.request('/healthz');
    last = response.status;
    // A dead dependency must cost at most the ping timeout, never hang the check.
    expect(Date.now() - started).toBeLessThan(2_500);
    if (last === status) return (await response.json()) as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`/healthz stayed at ${last}, expected ${status}`);
}

describe('health while dependencies fail and recover (private PostgreSQL and Redis)', () => {
  let pg: PrivateService;
  let redis: PrivateService;
  let dbHandle: DbHandle;
  let cache: Cache;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    dbHandle = await createDb({ databaseUrl: pg.url, poolSize: 2 });
    await dbHandle.migrate();
    cache = createCache({ redisUrl: redis.url });
    const deps = {
      db: dbHandle.db,
      dbHandle,
      cache,
      config: defaultApiConfig(),
      log: silentLogger,
      jobs: createTestJobQueue(dbHandle),
    };
    app = createApp({ deps, log: createLogger('silent'), trustProxy: 0, webDir: '/nonexistent' });
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([dbHandle?.close(), cache?.close()]);
    await Promise.allSettled([pg?.destroy(), redis?.destroy()]);
  });

  it('is healthy on postgres + redis', async () => {
    expect(await waitForStatus(app, 200)).toEqual({ ok: true, db: 'postgres', cache: 'redis' });
  });

  it('answers 503 while Redis is down and recovers without a restart', async () => {
    await redis.stop();
    expect(await waitForStatus(app, 503)).toEqual({ ok: false, db: 'postgres', cache: 'redis' });
    await redis.start();
    expect(await waitForStatus(app, 200)).toEqual({ ok: true, db: 'postgres', cache: 'redis' });
  });

  it('answers 503 while PostgreSQL is down and recovers without a restart', async () => {
    await pg.stop();
    expect(await waitForStatus(app, 503)).toMatchObject({ ok: false });
    await pg.start();
    expect(await waitForStatus(app, 200)).toEqual({ ok: true, db: 'postgres', cache: 'redis' });
  });
});
