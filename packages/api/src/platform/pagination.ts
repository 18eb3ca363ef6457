import { z } from 'zod';
import { BadInputError } from './domain-errors';

/** What a client sees for any cursor that is not one of ours (forged, truncated, from another list). */
export const INVALID_CURSOR_MESSAGE = 'This cursor is not valid; start from the first page.';

/**
 * Keyset cursors. A cursor is the sort key of the last row of a page, as base64url JSON; the next page
 * is "rows strictly after this key", so rows inserted meanwhile never shift or repeat a page (no
 * OFFSET). A cursor that does not decode to the expected shape is BAD_REQUEST, never a 500.
 */
export function encodeCursor(values: (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor` and checks it against `shape` (one of the cursor shapes
 * below): the one place a cursor is validated, so every value that reaches SQL has the type and the
 * range of the column it is compared with. Anything else is BAD_REQUEST `INVALID_CURSOR_MESSAGE`.
 */
export function decodeCursor<T extends z.ZodType>(cursor: string, shape: T): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = shape.safeParse(raw);
  if (!parsed.success) throw new BadInputError(INVALID_CURSOR_MESSAGE);
  return parsed.data;
}

/**
 * A row id: a positive integer that a JavaScript number holds exactly (ids are `bigint` columns, whose
 * range is larger still), so the value compared in SQL is the one the client sent.
 */
const cursorId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A value of an `integer` (int4) column, such as a score: PostgreSQL refuses anything wider. */
const cursorInt4 = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1);

/**
 * A `timestamptz` as the lists write it (`toIso`, `isoMicros`): UTC, at most microseconds, a real
 * calendar date (zod checks months, days and leap years) from year 1 on — PostgreSQL has no year 0.
 */
const cursorTimestamp = z.iso
  .datetime()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/)
  .refine((value) => !value.startsWith('0000-'));

/** A `float8` rank: any finite number (zod refuses Infinity and NaN; JSON has neither anyway). */
const cursorRank = z.number();

/** Cursor shape for lists ordered by (timestamp desc, id desc). */
export const timeIdCursor = z.tuple([cursorTimestamp, cursorId]);

/** Cursor shape for lists ordered by (int4 score desc, id desc). */
export const scoreIdCursor = z.tuple([cursorInt4, cursorId]);

/** Cursor shape for lists ordered by (float8 rank desc, id desc): full-text search. */
export const rankIdCursor = z.tuple([cursorRank, cursorId]);

/** Cursor shape for lists ordered by id desc. */
export const idCursor = z.tuple([cursorId]);

/** Cursor shape of the feed: the last item's (createdAt with microseconds, type, id). */
export const feedCursor = z.tuple([cursorTimestamp, z.enum(['question', 'answer']), cursorId]);

/**
 * Splits a `limit + 1` fetch into a page: the extra row only tells whether another page exists.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: (row: Row) => (string | number | null)[],
): { items: Item[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(toItem),
    nextCursor: hasMore && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}
