import { z } from 'zod';
import { PAGE_SIZE } from './limits';

/**
 * An id as clients send it: a string of digits (ids are strings on the wire), turned into the
 * number the database uses. Anything else — negative, fractional, huge, non-numeric — is BAD_REQUEST.
 */
export const idInput = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'must be a numeric id')
  .transform(Number);

/** An id as the API returns it. */
export const idOutput = z.string();

/**
 * The input of every procedure that takes none, instead of `z.void()` (which refuses `{}` and `null`).
 * Clients say "no input" in each of these ways: nothing (`@trpc/client`'s `httpLink` posts no body, a
 * GET has no `input`), `{}` (a batch entry, a REST body, a generated client) or `null`. Anything else —
 * a key, a string, an array — is BAD_REQUEST: a client that sends a field expects it to mean something.
 * It is an (empty, strict) object so the REST mirror documents an optional JSON object body.
 */
export const noInput = z.strictObject({}).nullish();

/** An ISO-8601 timestamp as the API returns it. */
export const isoDate = z.string();

/** How a query string spells a boolean: `true`/`false` or `1`/`0`, nothing else. */
const QUERY_BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
]);

/**
 * A boolean input that the REST mirror may receive as query text. JSON `true`/`false` pass as they are;
 * the strings `true`, `false`, `1`, `0` become booleans; anything else (`yes`, `False`, ``) is BAD_REQUEST.
 * Use it instead of `z.boolean()` in every query input: trpc-to-openapi coerces a bare `z.boolean()` with
 * `Boolean(text)`, which reads `?deleted=false` as true. The OpenAPI document still says `boolean`; give a
 * default with `.prefault(value)`, which the document shows (`.default` after a preprocess is hidden).
 */
export const queryBoolean = z.preprocess(
  (value) => (typeof value === 'string' ? (QUERY_BOOLEANS.get(value) ?? value) : value),
  z.boolean({ error: 'must be true or false (or 1 or 0)' }),
);

/** Page size: 1..100, default 20 (`PAGE_SIZE`). */
export const limitInput = z.number().int().min(PAGE_SIZE.min).max(PAGE_SIZE.max).default(PAGE_SIZE.default);

/** An opaque cursor from a previous page's `nextCursor`. */
export const cursorInput = z.string().max(500).nullish();

/** `{ cursor?, limit? }` for every paginated procedure. */
export const pageInput = z.object({ cursor: cursorInput, limit: limitInput });

/** `Page<T>`: `{ items: T[], nextCursor: string | null }`. */
export function pageOutput<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Roles, weakest first. */
export const roleSchema = z.enum(['user', 'moderator', 'admin']);

/** A user as shown next to a post or in a list. */
export const userSummary = z.object({
  id: idOutput,
  username: z.string(),
  displayName: z.string().nullable(),
  avatarUrl: z.string().nullable(),
});

/** `{ ok: true }` for mutations that return nothing else. */
export const okOutput = z.object({ ok: z.literal(true) });

/** Converts a database id to the API's string id. */
export const toId = (id: number): string => String(id);

/** Converts a timestamp to the API's ISO string. */
export const toIso = (date: Date): string => date.toISOString();
