/**
 * Drizzle statements from packages/db/src/queries rendered for postgres.js and PGlite: the bench's bare
 * twins and its EXPLAIN list take the procedures' SQL text from there instead of copying it.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

/** A parameter of a positional statement. */
export type SqlParam = string | number | null | readonly (string | number)[];

/** Renders like the app's drivers: with the snake_case casing of packages/db/src/client.ts. */
const dialect = new PgDialect({ casing: 'snake_case' });

/** A parameter as the bench passes it on; the rendered queries bind only these. */
function toParam(value: unknown): SqlParam {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (value instanceof Date) return value.toISOString();
  throw new Error(`unexpected parameter in a rendered statement: ${typeof value}`);
}

/** Renders a Drizzle statement to the `$n` text and parameters Drizzle's drivers send for it. */
export function render(query: SQL): { text: string; params: SqlParam[] } {
  const rendered = dialect.sqlToQuery(query);
  return { text: rendered.sql, params: rendered.params.map(toParam) };
}

/**
 * A raw statement's text and parameters with its placeholders (`sql.placeholder`) kept among them, to be
 * bound per request with Drizzle's `fillPlaceholders`: what the bare twins render once (bench/queries.ts).
 */
export function renderTemplate(query: SQL): { sql: string; params: unknown[] } {
  return dialect.sqlToQuery(query);
}

const renderedOnce = new WeakMap<SQL, { sql: string; params: unknown[] }>();

/**
 * `renderTemplate` once per statement object: the twins build their statements once, with placeholders,
 * and a service's reader hands the same object back to be run.
 */
export function renderedTemplate(query: SQL): { sql: string; params: unknown[] } {
  let rendered = renderedOnce.get(query);
  if (!rendered) {
    rendered = renderTemplate(query);
    renderedOnce.set(query, rendered);
  }
  return rendered;
}

/**
 * The text and parameters of a query builder, built on `statementsOnly` from `@devflow/db` (which
 * renders with the app's snake_case casing).
 */
export function renderQuery(query: { toSQL(): { sql: string; params: unknown[] } }): {
  text: string;
  params: SqlParam[];
} {
  const rendered = query.toSQL();
  return { text: rendered.sql, params: rendered.params.map(toParam) };
}
