import { type ApiConfig, type ApiDeps, defaultApiConfig, registerApiJobs } from '@devflow/api';
import { createTestJobQueue } from '@devflow/api/testing';
import { type Cache, createCache } from '@devflow/cache';
import { createDb, type DbHandle } from '@devflow/db';
import { createApp } from '../app';
import { type RunningServer, startHttpServer } from '../http-server';
import { createLogger } from '../logger';
import { type PrivateService, startPrivatePostgres, startPrivateRedis } from './private-services';

/** A real DevFlow server on private PostgreSQL (and optionally private Redis) that tests may break. */
export type FaultServer = {
  url: string;
  deps: ApiDeps;
  dbHandle: DbHandle;
  cache: Cache;
  pg: PrivateService;
  redis: PrivateService | null;
  server: RunningServer;
  stop(): Promise<void>;
};

/**
 * Starts private PostgreSQL (and Redis when `withRedis`), migrates, and serves the real app on a free
 * port. `stop()` tears everything down, including the private services' data directories.
 */
export async function startFaultServer(
  options: { withRedis: boolean; config?: Partial<ApiConfig> } = { withRedis: true },
): Promise<FaultServer> {
  const [pg, redis] = await Promise.all([
    startPrivatePostgres(),
    options.withRedis ? startPrivateRedis() : Promise.resolve(null),
  ]);
  const dbHandle = await createDb({ databaseUrl: pg.url, poolSize: 4, statementTimeoutMs: 5000 });
  await dbHandle.migrate();
  const cache = createCache({ redisUrl: redis?.url });
  const log = createLogger('silent');
  const jobs = createTestJobQueue(dbHandle);
  const deps: ApiDeps = {
    db: dbHandle.db,
    dbHandle,
    cache,
    config: defaultApiConfig(options.config),
    log,
    jobs,
  };
  registerApiJobs(deps);
  await jobs.start();
  const app = createApp({ deps, log, trustProxy: 0, webDir: '/nonexistent' });
  const server = await startHttpServer(app, '127.0.0.1', 0);
  deps.config.publicUrl = server.url;
  return {
    url: server.url,
    deps,
    dbHandle,
    cache,
    pg,
    redis,
    server,
    stop: async () => {
      await server.stop(2000);
      await jobs.stop(2000).catch(() => {});
      await Promise.allSettled([dbHandle.close(), cache.close()]);
      await Promise.allSettled([pg.destroy(), redis?.destroy()]);
    },
  };
}
