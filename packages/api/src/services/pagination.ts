import { TRPCError } from '@trpc/server';
import { z } from 'zod';

/**
 * Keyset cursors. A cursor is the sort key of the last row of a page, as base64url JSON; the next page
 * is "rows strictly after this key", so rows inserted meanwhile never shift or repeat a page (no
 * OFFSET). A cursor that does not decode to the expected shape is BAD_REQUEST, never a 500.
 */
export function encodeCursor(values: (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor` and checks it against `shape`. */
export function decodeCursor<T extends z.ZodType>(cursor: string, shape: T): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = shape.safeParse(raw);
  if (!parsed.success) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'Invalid cursor: pass the nextCursor of a previous page unchanged.',
    });
  }
  return parsed.data;
}

/** Cursor shape for lists ordered by (timestamp desc, id desc). */
export const timeIdCursor = z.tuple([z.iso.datetime(), z.number().int().positive()]);

/** Cursor shape for lists ordered by (integer desc, id desc). */
export const intIdCursor = z.tuple([z.number().int(), z.number().int().positive()]);

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
