import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultApiConfig, registerApiJobs, silentLogger } from '@devflow/api';
import { createTestJobQueue } from '@devflow/api/testing';
import { type Cache, createCache } from '@devflow/cache';
import { createDb, type DbHandle } from '@devflow/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { startHttpServer } from '../http-server';
import { createLogger } from '../logger';
import { codeFromOutbox, failure, testClient } from '../testing/auth-client';
import { type PrivateService, startPrivateRedis } from '../testing/private-services';

const PASSWORD = 'correct horse battery staple';

describe('accounts while Redis is down (private Redis)', () => {
  let redis: PrivateService;
  let dbHandle: DbHandle;
  let cache: Cache;
  let url: string;
  let stopServer: () => Promise<void>;
  let outbox: string;
  let stopJobs: () => Promise<void>;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    dbHandle = await createDb({ dataDir: 'memory' });
    await dbHandle.migrate();
    cache = createCache({ redisUrl: redis.url, prefix: 'devflow_fault_auth:' });
    outbox = join(mkdtempSync(join(tmpdir(), 'devflow-fault-auth-')), 'outbox.jsonl');
    const config = defaultApiConfig({
      mailOutbox: outbox,
      rateLimits: { ...defaultApiConfig().rateLimits, loginAccountIp: { points: 2, durationSeconds: 60 } },
    });
    const deps = {
      db: dbHandle.db,
      dbHandle,
      cache,
      config,
      log: silentLogger,
      jobs: createTestJobQueue(dbHandle),
    };
    registerApiJobs(deps);
    await deps.jobs.start();
    stopJobs = () => deps.jobs.stop(2000);
    const log = createLogger('silent');
    const server = await startHttpServer(
      createApp({ deps, log, trustProxy: 0, webDir: '/nonexistent' }),
      '127.0.0.1',
      0,
    );
    url = server.url;
    config.publicUrl = server.url;
    stopServer = () => server.stop(2000);
  }, 120_000);

  afterAll(async () => {
    await stopServer?.();
    await stopJobs?.();
    await Promise.allSettled([dbHandle?.close(), cache?.close()]);
    await redis?.destroy();
  });

  it('keeps sessions working from the database, refuses codes (fail closed), and still limits sign-ins', async () => {
    const { token } = await testClient(url).auth.register.mutate({
      email: 'f@example.com',
      username: 'fault',
      password: PASSWORD,
    });
    const client = testClient(url, { token });
    await client.auth.requestEmailVerification.mutate();
    const code = await codeFromOutbox(outbox, 'f@example.com');

    await redis.stop();
    expect(await client.auth.me.query()).toMatchObject({ username: 'fault' });
    const refused = await failure(client.auth.verifyEmail.mutate({ code }));
    expect(refused.data?.code).toBe('SERVICE_UNAVAILABLE');
    expect((await client.auth.me.query())?.emailVerified).toBe(false);

    for (let i = 0; i < 2; i++) {
      expect(
        (await failure(testClient(url).auth.login.mutate({ login: 'fault', password: 'wrong!!!' }))).data
          ?.code,
      ).toBe('UNAUTHORIZED');
    }
    const limited = await failure(
      testClient(url).auth.login.mutate({ login: 'fault', password: 'wrong!!!' }),
    );
    expect(limited.data?.code).toBe('TOO_MANY_REQUESTS');

    await redis.start();
    const deadline = Date.now() + 15_000;
    while (!(await cache.ping(500)) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    await client.auth.requestEmailVerification.mutate();
    const fresh = await codeFromOutbox(outbox, 'f@example.com', 1);
    expect((await client.auth.verifyEmail.mutate({ code: fresh })).emailVerified).toBe(true);
  });
});
