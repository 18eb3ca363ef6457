import { defineConfig } from 'drizzle-kit';

/**
 * drizzle-kit reads this package's schema and writes SQL migrations to `migrations/` beside this file
 * (run from this folder: `pnpm db:generate` at the root does that). `client.ts` applies them.
 */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './migrations',
  casing: 'snake_case',
});
