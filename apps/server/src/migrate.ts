import { createDb } from '@devflow/db';
import { ConfigError, loadEnv, type ServerEnv } from './env';

/**
 * Applies pending migrations to the configured database (`DATABASE_URL`, or PGlite in `DATA_DIR`) and
 * exits. `pnpm start` (scripts/start.mjs) runs the compiled form, `dist/migrate.js`, while the web app
 * builds, so a first start does not wait for both one after the other; the server migrates again at
 * start-up, which is then a no-op.
 */
async function migrate(): Promise<void> {
  let env: ServerEnv;
  try {
    env = loadEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const handle = await createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, poolSize: 1 });
  try {
    await handle.migrate();
  } finally {
    await handle.close();
  }
}

await migrate();
