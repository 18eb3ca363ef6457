import { defineConfig } from 'vitest/config';
import { reporters } from './vitest.shared';

/**
 * Fault tests: they start private PostgreSQL and Redis instances (server binaries from the machine),
 * kill and restart them. They never touch the shared services, so they run once, not per backend.
 */
export default defineConfig({
  test: {
    reporters: reporters(),
    include: ['apps/*/src/**/*.fault.test.ts', 'packages/*/src/**/*.fault.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
