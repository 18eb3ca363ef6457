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

/**
 * What a log line may say about an error. Database errors give the statement's SQL text (placeholders,
 * never the bound values), the SQLSTATE or driver code and the names PostgreSQL reports (constraint,
 * table, column, routine) — not their message, detail, hint or context, which can quote values
 * ("invalid input syntax for type integer: …", "Key (email)=(…) already exists"), and never the
 * parameters Drizzle (`params`, also in its message) and the drivers (`parameters`, `params`) attach.
 * Other errors keep their message unless it repeats a database error's. Stacks keep their frames only,
 * since their first line repeats the message.
 */
export type LoggedError = {
  type: string;
  message?: string;
  /** SQLSTATE or driver code (not `code`: log redaction hides fields of that name, OTP codes). */
  errorCode?: string;
  sql?: string;
  severity?: string;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
  stack?: string;
  errors?: LoggedError[];
  cause?: LoggedError;
};

const MAX_SQL_CHARS = 4000;
const MAX_FRAMES = 15;
const MAX_DEPTH = 6;

type Fields = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** True for the errors of Drizzle, postgres.js and PGlite: they carry the statement and its values. */
function isDatabaseError(error: Fields): boolean {
  return (
    typeof error.query === 'string' ||
    Array.isArray(error.params) ||
    Array.isArray(error.parameters) ||
    typeof error.severity === 'string' ||
    typeof error.routine === 'string' ||
    typeof error.detail === 'string'
  );
}

function framesOf(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES);
  return frames.length > 0 ? frames.join('\n') : undefined;
}

/** The errors reachable through `cause`, outermost first. */
function chainOf(error: unknown): Fields[] {
  const chain: Fields[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && chain.length < MAX_DEPTH) {
    chain.push(current as Fields);
    current = (current as Fields).cause;
  }
  return chain;
}

/**
 * `error` as `LoggedError` (see there): safe to write to a log line. The server's logger applies it
 * to every error it is given (`apps/server/src/logger.ts`), so no call site has to remember.
 */
export function loggableError(error: unknown, depth = 0): LoggedError {
  if (!error || typeof error !== 'object') return { type: typeof error, message: String(error) };
  const chain = chainOf(error);
  const databaseMessages = chain
    .filter(isDatabaseError)
    .map((link) => text(link.message))
    .filter((message): message is string => Boolean(message));
  const describe = (link: Fields, index: number, parentSql: string | undefined): LoggedError => {
    const database = isDatabaseError(link);
    const constructorName = text((link.constructor as { name?: unknown } | undefined)?.name);
    const type =
      constructorName && constructorName !== 'Error' && constructorName !== 'Object'
        ? constructorName
        : text(link.name) || 'Error';
    const out: LoggedError = { type };
    const message = text(link.message);
    if (!database && message !== undefined) {
      // Drizzle's own format puts the values after "params:"; a wrapper may copy a database message.
      const repeats = databaseMessages.some((db) => message.includes(db));
      const cut = message.split('\nparams:')[0] ?? '';
      if (!repeats) out.message = cut;
    }
    const code = text(link.code);
    if (code) out.errorCode = code;
    const sql = text(link.query);
    if (sql && sql !== parentSql) out.sql = sql.slice(0, MAX_SQL_CHARS);
    if (database) {
      const severity = text(link.severity);
      const constraint = text(link.constraint_name) ?? text(link.constraint);
      const table = text(link.table_name) ?? text(link.table);
      const column = text(link.column_name) ?? text(link.column);
      const routine = text(link.routine);
      if (severity) out.severity = severity;
      if (constraint) out.constraint = constraint;
      if (table) out.table = table;
      if (column) out.column = column;
      if (routine) out.routine = routine;
    }
    const stack = framesOf(link.stack);
    if (stack) out.stack = stack;
    if (Array.isArray(link.errors) && depth < MAX_DEPTH) {
      out.errors = link.errors.slice(0, 5).map((inner: unknown) => loggableError(inner, depth + 1));
    }
    const next = chain[index + 1];
    if (next) out.cause = describe(next, index + 1, sql ?? parentSql);
    return out;
  };
  const [first] = chain;
  return first ? describe(first, 0, undefined) : { type: 'Error' };
}
