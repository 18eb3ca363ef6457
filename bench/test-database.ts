/**
 * The bench tests' way to reach their private PostgreSQL database (`createTestDeps` on `DATABASE_URL`)
 * with postgres.js, as the bench's bare server reaches its own: bench/twins.test.ts,
 * bench/write-twins.test.ts and bench/thread.test.ts compare the twins' statements over it.
 */
import { type Executor, queryRows } from '@devflow/db';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';

/**
 * A small postgres.js client on the database `db` is connected to (the test file's private one); with
 * `int8AsNumber`, int8 ids come back as numbers, as the app's Drizzle columns and the bare server read them.
 */
export async function clientOnTestDatabase(db: Executor, int8AsNumber = false): Promise<postgres.Sql> {
  const [row] = await queryRows<{ name: string }>(db, sql`select current_database() as name`);
  const url = new URL(process.env.DATABASE_URL ?? '');
  url.pathname = `/${row?.name ?? ''}`;
  const options = { max: 2, onnotice: () => {} };
  if (!int8AsNumber) return postgres(url.toString(), options);
  return postgres(url.toString(), {
    ...options,
    types: { int8: { to: 20, from: [20], serialize: String, parse: Number } },
  });
}
