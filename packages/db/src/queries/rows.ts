import { type Placeholder, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { users } from '../schema';

/** A number as either driver returns it from raw SQL (postgres.js gives int8 and counts as strings). */
export type DbNumber = number | string | bigint;

/** A timestamp as either driver returns it from raw SQL. */
export type DbTime = Date | string;

/** A raw-SQL timestamp as a `Date`. */
export function toDate(value: DbTime): Date {
  return value instanceof Date ? value : new Date(value);
}

/**
 * A timestamptz column as an ISO string with microseconds (`2026-01-01T12:00:00.123456Z`). Keyset cursors
 * carry it instead of a JS `Date`, whose milliseconds would skip or repeat rows created in the same
 * millisecond; compare it back with `${value}::timestamptz`.
 */
export function isoMicros(column: SQLWrapper): SQL<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** Columns of `users` shown next to a post, as `userSummary` needs them (select them under an `author` key). */
export const authorColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  avatarUrl: users.avatarUrl,
};

/**
 * A row to insert whose values may be placeholders, bound when the statement runs: how the bench's bare
 * twins render an insert once and send it per request (bench/write-twins.ts).
 */
export type Bindable<T> = { [K in keyof T]: T[K] | Placeholder };
