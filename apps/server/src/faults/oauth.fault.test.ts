import { defaultApiConfig, silentLogger } from '@devflow/api';
import { createTestJobQueue } from '@devflow/api/testing';
import { type Cache, createCache } from '@devflow/cache';
import { createDb, type DbHandle } from '@devflow/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { startHttpServer } from '../http-server';
import { createLogger } from '../logger';
import { locationOf, TestBrowser } from '../testing/browser';
import { type MockOAuthProvider, startMockOAuthProvider } from '../testing/mock-oauth-provider';
import { type PrivateService, startPrivateRedis } from '../testing/private-services';

describe('OAuth sign-in while Redis is down (private Redis)', () => {
  let redis: PrivateService;
  let mock: MockOAuthProvider;
  let dbHandle: DbHandle;
  let cache: Cache;
  let url: string;
  let stopServer: () => Promise<void>;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    mock = await startMockOAuthProvider();
    dbHandle = await createDb({ dataDir: 'memory' });
    await dbHandle.migrate();
    cache = createCache({ redisUrl: redis.url, prefix: 'devflow_fault_oauth:' });
    const config = defaultApiConfig({ oauth: { github: mock.github, google: mock.google, timeoutMs: 2000 } });
    const deps = {
      db: dbHandle.db,
      dbHandle,
      cache,
      config,
      log: silentLogger,
      jobs: createTestJobQueue(dbHandle),
    };
    const server = await startHttpServer(
      createApp({ deps, log: createLogger('silent'), trustProxy: 0, webDir: '/nonexistent' }),
      '127.0.0.1',
      0,
    );
    url = server.url;
    config.publicUrl = server.url;
    stopServer = () => server.stop(2000);
  }, 120_000);

  afterAll(async () => {
    await stopServer?.();
    await Promise.allSettled([dbHandle?.close(), cache?.close(), mock?.stop()]);
    await redis?.destroy();
  });

  it('fails closed and fast on the error page, and works again once Redis is back', async () => {
    mock.githubUser = { id: 77, login: 'weather', emails: [] };
    // Two flows started before the outage; Redis keeps nothing on disk, so their state dies with it.
    const startFlow = async (browser: TestBrowser) =>
      locationOf(await browser.get(locationOf(await browser.get(`${url}/auth/oauth/github`))));
    const first = new TestBrowser();
    const second = new TestBrowser();
    const firstCallback = await startFlow(first);
    const secondCallback = await startFlow(second);
    await redis.stop();

    const started = Date.now();
    const during = await new TestBrowser().get(`${url}/auth/oauth/github`);
    expect(locationOf(during)).toBe('/auth/error?reason=server_error');
    expect(locationOf(await first.get(firstCallback))).toBe('/auth/error?reason=server_error');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(first.cookies.has('devflow_session')).toBe(false);

    await redis.start();
    const deadline = Date.now() + 15_000;
    while (!(await cache.ping(500)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(locationOf(await second.get(secondCallback))).toBe('/auth/error?reason=invalid_state');
    const retry = new TestBrowser();
    const back = locationOf(await retry.get(`${url}/auth/oauth/github`));
    expect(locationOf(await retry.get(locationOf(await retry.get(back))))).toBe('/');
    expect(retry.cookies.has('devflow_session')).toBe(true);
  });
});
