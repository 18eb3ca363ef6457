/** SQLSTATE codes DevFlow reacts to. */
export const PgErrorCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/**
 * Reads the SQLSTATE of a database error from either driver, looking through Drizzle's wrapper
 * (`cause`). Returns null for anything that is not a database error.
 */
export function pgErrorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let i = 0; i < 5 && current && typeof current === 'object'; i++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** The constraint a database error names, if any (postgres.js: `constraint_name`, PGlite: `constraint`). */
export function pgConstraint(error: unknown): string | null {
  let current: unknown = error;
  for (let i = 0; i < 5 && current && typeof current === 'object'; i++) {
    const record = current as { constraint_name?: unknown; constraint?: unknown; cause?: unknown };
    const name = record.constraint_name ?? record.constraint;
    if (typeof name === 'string') return name;
    current = record.cause;
  }
  return null;
}

/**
 * Error codes meaning "the database cannot be reached right now" rather than "this query is wrong":
 * socket errors, postgres.js connection states, and SQLSTATE classes 08 (connection exception) and
 * 57P0x (admin/crash shutdown, cannot connect now), plus 53300 (too many connections).
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/**
 * True when `error` (or anything in its `cause` chain, e.g. inside Drizzle's wrapper or a TRPCError)
 * says the database is unreachable — an outage worth retrying, not a bug. Such failures are answered
 * with 503 and `Retry-After` instead of 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let i = 0; i < 6 && current && typeof current === 'object'; i++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
