import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  type ApiConfig,
  type ApiDeps,
  createJobQueue,
  LiveHub,
  memoryTransport,
  registerApiJobs,
  setLiveMaxDuration,
} from '@devflow/api';
import { createCache, createRedisPubSub } from '@devflow/cache';
import { createDb, DataDirLockedError, type DbHandle } from '@devflow/db';
import { createApp } from './app';
import { ConfigError, loadAppSecret, loadEnv, oauthConfig, type ServerEnv } from './env';
import { startHttpServer } from './http-server';
import { createLogger } from './logger';
import { nodeVersionAdvice } from './node-version';

const webDir = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Builds the API's configuration from the server's environment. */
function apiConfig(env: ServerEnv, appSecret: string): ApiConfig {
  return {
    publicUrl: env.publicUrl,
    secureCookies: env.publicUrl.startsWith('https:'),
    rateLimits: env.RATE_LIMITS,
    mailOutbox: env.mailOutbox,
    smtpUrl: env.SMTP_URL,
    nodeEnv: env.NODE_ENV,
    pageCache: env.CACHE_PAGES === 'on',
    oauth: oauthConfig(env),
    appSecret,
    mailRetry: env.MAIL_RETRY,
  };
}

/**
 * Starts DevFlow: validates the environment, opens the database (migrating it) and the cache, starts
 * the job queue, serves HTTP, and shuts down gracefully on SIGTERM/SIGINT.
 */
async function main() {
  let env: ServerEnv;
  let appSecret: string;
  try {
    env = loadEnv(process.env);
    appSecret = loadAppSecret(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const log = createLogger(env.LOG_LEVEL);
  const advice = nodeVersionAdvice(process.versions.node);
  if (advice) log.warn({ node: process.versions.node }, advice);
  // A crash is reported through the logger's error serializer: Node's own report prints every field of
  // the error, a failed query's parameters included. The logger flushes its line on exit.
  const crash = (what: string) => (error: unknown) => {
    log.fatal({ err: error }, what);
    process.exit(1);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled rejection'));
  let dbHandle: DbHandle;
  try {
    dbHandle = await createDb({
      databaseUrl: env.DATABASE_URL,
      dataDir: env.DATA_DIR,
      poolSize: env.DB_POOL_SIZE,
    });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      // Another server or a `devflow backup/restore/move` holds the embedded data dir.
      log.fatal({ dataDir: error.dataDir, holderPid: error.holder.pid }, error.message);
      process.exit(2);
    }
    throw error;
  }
  await dbHandle.migrate();
  const cache = createCache({ redisUrl: env.REDIS_URL });
  // Live updates: committed events reach the other processes through Redis pub/sub when REDIS_URL is set
  // (on a channel named after the database, so deployments sharing a Redis never mix their events); each
  // process's hub also polls PostgreSQL, so a lost message delays an event and loses none.
  const live = new LiveHub({
    db: dbHandle.db,
    log,
    // Old events are pruned by the scheduled job `prune-live-events` (packages/api/src/jobs.ts).
    pruneEveryMs: 0,
    transport: env.REDIS_URL
      ? createRedisPubSub({
          url: env.REDIS_URL,
          channel: `devflow:live:${createHash('sha256')
            .update(env.DATABASE_URL ?? env.DATA_DIR)
            .digest('hex')
            .slice(0, 16)}`,
        })
      : memoryTransport(),
  });
  const jobs = createJobQueue({ dbHandle, log, poolSize: env.JOBS_POOL_SIZE });
  const deps: ApiDeps = {
    db: dbHandle.db,
    dbHandle,
    cache,
    config: apiConfig(env, appSecret),
    log,
    jobs,
    live,
  };
  setLiveMaxDuration(env.LIVE_MAX_DURATION_MS);
  registerApiJobs(deps);
  await jobs.start();
  const app = createApp({ deps, log, trustProxy: env.TRUST_PROXY, webDir });
  const server = await startHttpServer(app, env.HOST, env.PORT);
  log.info({ url: server.url, publicUrl: env.publicUrl, db: dbHandle.kind, cache: cache.kind }, 'listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    // Live streams end first (cleanly: clients reconnect, to another process behind a load balancer),
    // or the server would wait for them until its grace period ran out.
    const stopped = server.stop();
    await live.close();
    await stopped;
    // Running jobs finish (or are retried later by any process: their rows stay in the database).
    await jobs.stop(10_000).catch((error: unknown) => log.error({ err: error }, 'job queue stop failed'));
    await Promise.allSettled([dbHandle.close(), cache.close()]);
    log.info({}, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
