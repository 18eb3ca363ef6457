import { loggableError } from '@devflow/db';
import { type DestinationStream, type LoggerOptions, pino } from 'pino';

/** What pino's own `err` serializer treats as an error: anything with a string `message`. */
const isErrorLike = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';

/**
 * The one place errors are turned into log fields: every error a log call carries, under any
 * top-level key (`err`, `error`, `cause`…) or as the call's first argument, is written as
 * `loggableError` — the SQL text and the PostgreSQL code of a failed query, never its parameters
 * (password hashes, emails, bodies) nor a message that quotes them.
 */
const errorSafety: Pick<LoggerOptions, 'serializers' | 'formatters' | 'hooks'> = {
  serializers: { err: (value: unknown) => (isErrorLike(value) ? loggableError(value) : value) },
  formatters: {
    log: (fields) => {
      let safe: Record<string, unknown> | null = null;
      for (const [key, value] of Object.entries(fields)) {
        if (key !== 'err' && value instanceof Error) {
          safe ??= { ...fields };
          safe[key] = loggableError(value);
        }
      }
      return safe ?? fields;
    },
  },
  hooks: {
    // pino would take the message of an error logged without one (`log.error(err)`, `log.error({ err })`)
    // verbatim; name the error's type instead.
    logMethod(args, method) {
      const [first, ...rest] = args as unknown[];
      if (first instanceof Error) {
        const message = rest.length > 0 ? rest : [loggableError(first).type];
        return method.apply(this, [{ err: first }, ...message] as Parameters<typeof method>);
      }
      if (rest.length === 0 && first && typeof first === 'object' && 'err' in first) {
        return method.apply(this, [first, loggableError((first as { err: unknown }).err).type] as Parameters<
          typeof method
        >);
      }
      return method.apply(this, args);
    },
  },
};

/**
 * The server's logger: JSON lines on stdout (or `destination`, for tests). Credentials are redacted
 * wherever they might appear, and errors never carry query parameters (`errorSafety`).
 */
export function createLogger(level: string, destination?: DestinationStream) {
  const options: LoggerOptions = {
    level,
    base: { service: 'devflow' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        '*.password',
        '*.token',
        '*.code',
      ],
      censor: '[redacted]',
    },
    ...errorSafety,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The pino logger type. */
export type ServerLogger = ReturnType<typeof createLogger>;
