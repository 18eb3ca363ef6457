import { randomBytes } from 'node:crypto';
import type { Logger } from 'drizzle-orm';
import postgres from 'postgres';
import { createDb, type DbHandle } from './client';

/**
 * Counts the SQL statements Drizzle sends (every builder query and every `db.execute`), so a test can
 * assert how many round trips a request costs — e.g. "the whole thread in one query". Pass it to
 * `createTestDb({ logger })`; transaction BEGIN/COMMIT issued by the drivers are not counted.
 */
export class QueryCounter implements Logger {
  /** Statements seen since the last `reset()`, in order. */
  statements: string[] = [];

  /** Called by Drizzle for every statement. */
  logQuery(query: string): void {
    this.statements.push(query);
  }

  /** How many statements were sent since the last `reset()`. */
  get count(): number {
    return this.statements.length;
  }

  /** Forgets what was counted so far. */
  reset(): void {
    this.statements = [];
  }

  /** Runs `fn` and returns its result with the statements it sent. */
  async measure<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    this.reset();
    const result = await fn();
    const statements = this.statements;
    this.reset();
    return { result, statements };
  }
}

/** Options of `createTestDb`. */
export type TestDbOptions = {
  /** Sees every statement (see `QueryCounter`). */
  logger?: Logger | undefined;
};

/**
 * Test databases. With `DATABASE_URL` set (CI's second pass) every call creates a private database on
 * that server, named `devflow_t_<random>`, migrates it and drops it on `close()`; otherwise an
 * in-memory PGlite. Either way a test file never sees another file's rows or another run's.
 */
export async function createTestDb(options: TestDbOptions = {}): Promise<DbHandle> {
  // Tests are a runtime of their own: this is where they learn which backend the run targets.
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const handle = await createDb({ dataDir: 'memory', logger: options.logger });
    await handle.migrate();
    return handle;
  }
  const name = `devflow_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString(), poolSize: 4, logger: options.logger });
  await handle.migrate();
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end({ timeout: 5 });
      }
    },
  };
}

/**
 * The URL of a fresh, empty (unmigrated) PostgreSQL database on `adminUrl`'s server (default
 * `DATABASE_URL`), or null when there is no server to use.
 */
export async function createEmptyPostgresDatabase(adminUrl = process.env.DATABASE_URL): Promise<{
  url: string;
  drop: () => Promise<void>;
} | null> {
  if (!adminUrl) return null;
  const name = `devflow_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end({ timeout: 5 });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end({ timeout: 5 });
    },
  };
}
