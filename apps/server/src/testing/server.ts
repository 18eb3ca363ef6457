import type { ApiConfig } from '@devflow/api';
import { createTestDeps, type TestDeps } from '@devflow/api/testing';
import { createApp } from '../app';
import { type RunningServer, startHttpServer } from '../http-server';
import { createLogger, type ServerLogger } from '../logger';

/** A real DevFlow HTTP server for one test file, on a free port, over the run's backends. */
export type TestServer = { url: string; deps: TestDeps; stop(): Promise<void> };

/**
 * Starts the real Hono app (same middleware, same tRPC mount) on 127.0.0.1 with a fresh database and
 * cache namespace. `publicUrl` is the server's own URL so CSRF checks pass for same-origin calls.
 * `trustProxy: 1` lets a test pick each call's client IP with `X-Forwarded-For` (as `TRUST_PROXY=1`);
 * `log` replaces the silent logger (a test that reads the log lines).
 */
export async function startTestServer(
  config: Partial<ApiConfig> = {},
  webDir = '/nonexistent',
  options: { trustProxy?: number; log?: ServerLogger } = {},
): Promise<TestServer> {
  const deps = await createTestDeps(config);
  const log = options.log ?? createLogger('silent');
  let publicUrl = 'http://127.0.0.1';
  const app = createApp({ deps: { ...deps, log }, log, trustProxy: options.trustProxy ?? 0, webDir });
  const server = await startHttpServer(app, '127.0.0.1', 0);
  publicUrl = server.url;
  deps.config.publicUrl = config.publicUrl ?? publicUrl;
  return {
    url: server.url,
    deps,
    stop: async () => {
      await server.stop(2000);
      await deps.close();
    },
  };
}

/**
 * Two servers over the same database and cache: one with the lean tRPC handlers (`trpc-fast-path.ts`,
 * `trpc-sse-fast-path.ts`, the default) and one with tRPC's stock adapter only, so a test sends the same
 * request to both and compares the answers.
 */
export async function startFastAndStockServers(
  deps: TestDeps,
): Promise<{ fast: RunningServer; stock: RunningServer }> {
  const log = createLogger('silent');
  const start = (trpcFastPath: boolean) =>
    startHttpServer(
      createApp({ deps: { ...deps, log }, log, trustProxy: 0, webDir: '/x', trpcFastPath }),
      '127.0.0.1',
      0,
    );
  const [fast, stock] = await Promise.all([start(true), start(false)]);
  return { fast, stock };
}
