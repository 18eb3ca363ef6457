import { defineConfig } from 'vitest/config';
import { reporters } from './vitest.shared';

/**
 * Unit, router and HTTP tests of every package. Each file opens its own database (in-memory PGlite, or a
 * private database on `DATABASE_URL`) and its own cache namespace, so files run in parallel safely.
 */
export default defineConfig({
  test: {
    reporters: reporters(),
    exclude: ['**/node_modules/**', '**/*.fault.test.ts', '**/e2e/**'],
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/cli/test/**/*.test.ts',
      'examples/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    // Generous: a cold PGlite start plus migrations can take tens of seconds on a busy 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two cores: more workers only fight over them (PGlite runs on the JS thread).
    maxWorkers: 2,
  },
});
