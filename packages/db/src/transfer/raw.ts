import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { createDb, type DbKind } from '../client';

/** Where a transfer command reads or writes: a PostgreSQL URL, else an embedded data dir. */
export type TransferTarget = { databaseUrl?: string | undefined; dataDir?: string | undefined };

/**
 * One session on either engine, below Drizzle: backups, restores and moves run catalog queries, whole
 * scripts and `COPY` on every schema, not only the tables Drizzle knows. Both sides of a transfer use the
 * same output settings so that a row's text (and its checksum) is the same on both engines.
 */
export type RawDb = {
  kind: DbKind;
  /** The embedded instance (PGlite only): `pgDump` and `COPY … TO '/dev/blob'` need it. */
  pglite: PGlite | null;
  /** Where it lives, for messages: the data dir, or the URL without its password. */
  where: string;
  query<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (simple protocol). */
  exec(script: string): Promise<void>;
  /** Runs `COPY … FROM stdin` with `data` (text format, one row per line). */
  copyIn(statement: string, data: string): Promise<void>;
  close(): Promise<void>;
};

/** Session settings both sides of a transfer share (row text and checksums depend on them). */
export const SESSION_SETTINGS = {
  TimeZone: 'UTC',
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  extra_float_digits: '1',
  bytea_output: 'hex',
} as const;

/** The URL with its password masked, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the database URL';
  }
}

/** Double-quotes an identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Opens `target`: PostgreSQL over one postgres.js connection (no statement timeout), or the PGlite data
 * dir through `createDb`, which takes the data dir's lock (a running server makes it throw
 * `DataDirLockedError`).
 */
export async function openRaw(target: TransferTarget): Promise<RawDb> {
  if (target.databaseUrl) return openRawPostgres(target.databaseUrl);
  const dataDir = target.dataDir ?? '.data';
  const handle = await createDb({ dataDir });
  const pg = handle.pglite;
  if (!pg) throw new Error('createDb without a URL must open PGlite');
  const settings = Object.entries(SESSION_SETTINGS)
    .map(([name, value]) => `set ${name} = '${value}';`)
    .join(' ');
  await pg.exec(settings);
  return {
    kind: 'pglite',
    pglite: pg,
    where: dataDir,
    query: async <T extends Record<string, unknown>>(text: string, params?: unknown[]) =>
      (await pg.query<T>(text, params)).rows,
    exec: async (script) => {
      await pg.exec(script);
    },
    copyIn: async (statement, data) => {
      const fromBlob = statement.replace(/\sFROM\s+stdin\s*;?\s*$/i, " FROM '/dev/blob'");
      await pg.query(fromBlob, [], { blob: new Blob([data]) });
    },
    close: () => handle.close(),
  };
}

function openRawPostgres(url: string): RawDb {
  const sql = postgres(url, {
    max: 1,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: 'devflow-transfer', statement_timeout: 0, ...SESSION_SETTINGS },
  });
  return {
    kind: 'postgres',
    pglite: null,
    where: redactUrl(url),
    query: async <T extends Record<string, unknown>>(text: string, params?: unknown[]) =>
      (await sql.unsafe(text, (params ?? []) as postgres.ParameterOrJSON<never>[])) as unknown as T[],
    exec: async (script) => {
      await sql.unsafe(script).simple();
    },
    copyIn: async (statement, data) => {
      const sink: Writable = await sql.unsafe(statement.replace(/;\s*$/, '')).writable();
      await pipeline(
        (async function* () {
          yield data;
        })(),
        sink,
      );
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
