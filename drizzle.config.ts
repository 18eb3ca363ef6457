import { defineConfig } from 'drizzle-kit';

/** drizzle-kit reads the schema package and writes SQL migrations to the top-level drizzle/ folder. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/db/src/schema/index.ts',
  out: './drizzle',
  casing: 'snake_case',
});
