import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { reporters } from '../../../vitest.shared';

/**
 * The web app's slow suites, run by `pnpm test:e2e` (the unit config excludes `**\/e2e/**`): the browser
 * flow against the real server, and the proof that an API type change breaks the web typecheck. They run
 * one file at a time: each starts heavy processes (a server, Chromium, tsc) on a 2-core machine.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    reporters: reporters(),
    include: ['apps/web/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
