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
