import { pino } from 'pino';

/** The server's logger: JSON lines on stdout. Credentials are redacted wherever they might appear. */
export function createLogger(level: string) {
  return pino({
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
  });
}

/** The pino logger type. */
export type ServerLogger = ReturnType<typeof createLogger>;
