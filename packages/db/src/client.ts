import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type Logger as DrizzleLogger, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { acquireDataDirLock } from './data-dir-lock';
import * as schema from './schema';

/** The schema object every Drizzle instance is built with. */
export type Schema = typeof schema;

/** A Drizzle database over either driver: queries are written once against this type. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** The transaction handle Drizzle passes to `db.transaction(fn)`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Anything a query can run on: the database or an open transaction. */
export type Executor = Database | Transaction;

/** Which engine a `DbHandle` talks to; reported by `/healthz`. */
export type DbKind = 'pglite' | 'postgres';

/** How to reach the database. With no `databaseUrl`, PGlite runs in-process. */
export type DbConfig = {
  /** `postgres://…`; unset means embedded PGlite. */
  databaseUrl?: string | undefined;
  /** Where PGlite keeps its files; ignored for PostgreSQL. `'memory'` keeps nothing on disk. */
  dataDir?: string | undefined;
  /** postgres.js pool size. */
  poolSize?: number | undefined;
  /** Milliseconds after which PostgreSQL cancels a statement. */
  statementTimeoutMs?: number | undefined;
  /** Load a PGlite data dir dumped by `dumpDataDir` (tests start from a migrated template). */
  pgliteSnapshot?: Blob | File | undefined;
  /** Sees every SQL statement Drizzle sends (tests count statements per request with it). */
  logger?: DrizzleLogger | undefined;
};

/** An open database with its lifecycle: migrate, check, close. */
export type DbHandle = {
  db: Database;
  kind: DbKind;
  /** Applies pending migrations from this package's `migrations/`; safe to call again and from several processes. */
  migrate(): Promise<void>;
  /** True when a trivial query answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** Closes connections; in-flight queries finish first. */
  close(): Promise<void>;
  /** The PGlite instance (embedded mode only), for dumps and tests. */
  pglite: PGlite | null;
  /** The PostgreSQL URL (PostgreSQL only): the job queue opens its own small pool on it. */
  url?: string | undefined;
};

/** Absolute path of this package's `migrations/` folder (written by drizzle-kit, see `drizzle.config.ts`). */
export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * A database without a connection, for building statements only: `someQuery(statementsOnly, …).toSQL()`
 * gives the exact text and parameters that query sends. The bench's EXPLAIN list and its bare postgres.js
 * twins take the procedures' SQL from the queries this way instead of copying it.
 */
export const statementsOnly: Database = drizzlePostgres.mock({ schema, casing: 'snake_case' });

/** Arbitrary constant that names DevFlow's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_ID = 724_137_001;

/** Resolves `promise`, or `fallback` when it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Opens the database DevFlow runs on: PostgreSQL through postgres.js when `databaseUrl` is set,
 * otherwise embedded PGlite (files under `dataDir`, or memory). Both give the same Drizzle API, schema
 * and migrations. PGlite runs every query and transaction one at a time (its own mutex), so a plain
 * query never lands inside another request's open transaction.
 */
export async function createDb(config: DbConfig): Promise<DbHandle> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, config);
  return openPglite(config);
}

async function openPglite(config: DbConfig): Promise<DbHandle> {
  const dir = config.dataDir ?? 'memory';
  const inMemory = dir === 'memory';
  if (!inMemory) mkdirSync(dir, { recursive: true });
  // One process per data dir: a second PGlite on the same files would corrupt them.
  const release = inMemory ? () => {} : acquireDataDirLock(dir);
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? undefined : `${dir}/pglite`, {
      loadDataDir: config.pgliteSnapshot,
    });
  } catch (error) {
    release();
    throw error;
  }
  const db = drizzlePglite({ client, schema, casing: 'snake_case', logger: config.logger ?? false });
  let closed = false;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    migrate: () => migratePglite(db, { migrationsFolder }),
    ping: async (timeoutMs = 1000) =>
      !closed &&
      within(
        client.query('select 1').then(
          () => true,
          () => false,
        ),
        timeoutMs,
        false,
      ),
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

async function openPostgres(url: string, config: DbConfig): Promise<DbHandle> {
  const options = {
    max: config.poolSize ?? 10,
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: () => {},
    connection: {
      application_name: 'devflow',
      statement_timeout: config.statementTimeoutMs ?? 15_000,
      // OLTP queries gain nothing from JIT, and JIT compilation made the recursive thread query
      // (queries/reply.ts) slower, not faster.
      jit: 'off',
    },
  } satisfies postgres.Options<Record<string, never>>;
  const client = preparedByDefault(postgres(url, options));
  const db = drizzlePostgres({ client, schema, casing: 'snake_case', logger: config.logger ?? false });
  return {
    db,
    kind: 'postgres',
    pglite: null,
    url,
    migrate: async () => {
      // A dedicated connection holds an advisory lock so that servers starting together migrate once.
      const lockClient = postgres(url, { ...options, max: 1 });
      try {
        await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migratePostgres(drizzlePostgres({ client: lockClient, casing: 'snake_case' }), {
          migrationsFolder,
        });
        await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
      } finally {
        await lockClient.end({ timeout: 5 });
      }
    },
    ping: (timeoutMs = 1000) =>
      within(
        db.execute(sql`select 1`).then(
          () => true,
          () => false,
        ),
        timeoutMs,
        false,
      ),
    close: () => client.end({ timeout: 10 }),
  };
}

/**
 * Makes every query Drizzle sends through `client` (and through its transactions and savepoints) a
 * named prepared statement, cached per connection by its text. Drizzle prepares only queries given a
 * `.prepare(name)` and sends the rest unnamed, which PostgreSQL parses and plans on every call — several
 * times slower for short reads (measured before and after in bench/RESULTS.md, "What was changed").
 * Drizzle binds every value as a parameter, so the set of statement texts stays bounded.
 */
function preparedByDefault<T extends postgres.Sql | postgres.TransactionSql>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        const unsafe: postgres.Sql['unsafe'] = (query, parameters, options) =>
          target.unsafe(query, parameters, { ...options, prepare: true });
        return unsafe;
      }
      if (property === 'begin' || property === 'savepoint') {
        const original: unknown = Reflect.get(target, property, receiver);
        if (typeof original !== 'function') return original;
        return (...args: unknown[]) =>
          original.apply(
            target,
            args.map((arg) =>
              typeof arg === 'function' ? (tx: postgres.TransactionSql) => arg(preparedByDefault(tx)) : arg,
            ),
          );
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/**
 * Runs raw SQL and returns its rows on either driver (postgres.js answers an array, PGlite `{ rows }`).
 * For the few queries written with the `sql` template: the recursive CTE, full-text search, bulk seeds.
 */
export async function queryRows<T extends Record<string, unknown>>(
  db: Executor,
  query: ReturnType<typeof sql>,
): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}
