import { SQL, sql } from 'drizzle-orm';
import { type ConstructorOptions, type Db, fromDrizzle, fromPglite } from 'pg-boss';
import { type DbHandle, type Executor, queryRows } from './client';

/** The pg-boss schema DevFlow's job tables live in (created and migrated by pg-boss itself). */
export const JOBS_SCHEMA = 'pgboss';

/**
 * How pg-boss reaches the database `handle` opened: on PGlite through the same instance (PGlite runs each
 * statement and each transaction under one lock, so pg-boss's polling waits for a request's open
 * transaction to finish and never runs inside it); on PostgreSQL through a pool of its own of
 * `poolSize` connections (plus one for LISTEN), so job polling never takes a request's connection.
 */
export function jobsConnection(
  handle: DbHandle,
  poolSize: number,
): Pick<ConstructorOptions, 'db' | 'connectionString' | 'max' | 'backend' | 'schema' | 'application_name'> {
  if (handle.pglite) return { db: fromPglite(handle.pglite), backend: 'pglite', schema: JOBS_SCHEMA };
  if (!handle.url) throw new Error('a PostgreSQL handle without its URL cannot run jobs');
  return {
    connectionString: handle.url,
    max: poolSize,
    schema: JOBS_SCHEMA,
    application_name: 'devflow-jobs',
  };
}

/**
 * pg-boss's view of an open Drizzle transaction: a job sent with it is inserted by that transaction, so it
 * exists exactly when the transaction commits (a rolled-back change enqueues nothing).
 */
export function jobsInTransaction(tx: Executor): Db {
  const executor = {
    execute: async (query: unknown) => {
      if (!(query instanceof SQL)) throw new TypeError('pg-boss sent a statement that is not drizzle SQL');
      return { rows: await queryRows(tx, query) };
    },
  };
  return fromDrizzle(executor, sql);
}
