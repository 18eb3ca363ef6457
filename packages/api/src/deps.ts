import type { Cache } from '@devflow/cache';
import type { Database, DbHandle } from '@devflow/db';
import type { ApiConfig } from './config';
import type { JobQueue } from './platform/jobs';

/** Structured log method, shaped like pino's: fields first, message second. */
export type LogFn = (fields: Record<string, unknown>, message?: string) => void;

/** The logger services use; pino satisfies it, tests may pass a silent one. */
export type Logger = { debug: LogFn; info: LogFn; warn: LogFn; error: LogFn };

/** A logger that drops everything (tests, scripts). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/**
 * What the API needs from the outside world, built once at start (or once per test file) and shared
 * by every request. Services take it as their first argument.
 */
export type ApiDeps = {
  db: Database;
  dbHandle: DbHandle;
  cache: Cache;
  config: ApiConfig;
  log: Logger;
  /** The durable job queue (mail, scheduled cleanup); started and stopped with the server. */
  jobs: JobQueue;
};
