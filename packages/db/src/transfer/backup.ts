import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { TransferError } from './errors';
import { listTables } from './inventory';
import { openRaw, type RawDb, type TransferTarget } from './raw';

/** Progress of a backup: tables dumped so far out of all tables, then bytes written. */
export type BackupProgress = { phase: 'dump' | 'write'; done: number; total: number };

/** What `backup` wrote. */
export type BackupResult = {
  file: string;
  bytes: number;
  tables: number;
  ms: number;
  backend: RawDb['kind'];
};

/** Arguments both dumps get: a dump restorable by any role, owners and grants left out. */
const DUMP_ARGS = ['--no-owner', '--no-privileges'];

/**
 * Writes a consistent plain-SQL dump of the whole database (every schema: the site's tables, Drizzle's
 * migration journal, a job queue's tables…) to `out`, atomically: into a temporary file next to it,
 * renamed over `out` once complete. PGlite is dumped in-process by the WASM `pg_dump` of
 * `@electric-sql/pglite-tools` (one snapshot: the data dir's lock keeps every other process out);
 * PostgreSQL by the `pg_dump` on PATH (one snapshot by design).
 */
export async function backup(options: {
  source: TransferTarget;
  out: string;
  onProgress?: (progress: BackupProgress) => void;
}): Promise<BackupResult> {
  const started = Date.now();
  const out = resolve(options.out);
  const temporary = join(dirname(out), `.${basename(out)}.${process.pid}.partial`);
  const progress = options.onProgress ?? (() => {});
  if (options.source.databaseUrl) {
    const url = options.source.databaseUrl;
    const pgDumpMajor = checkPgDump();
    const db = await openRaw({ databaseUrl: url });
    let tables: number;
    try {
      const [row] = await db.query<{ v: string }>(`select current_setting('server_version_num') as v`);
      const serverMajor = Math.floor(Number(row?.v ?? 0) / 10_000);
      if (pgDumpMajor < serverMajor) {
        throw new TransferError(
          `pg_dump ${pgDumpMajor} cannot dump a PostgreSQL ${serverMajor} server (pg_dump must be as new as the server). ` +
            `Install PostgreSQL ${serverMajor}'s client tools (Debian: postgresql-client-${serverMajor} from apt.postgresql.org).`,
        );
      }
      tables = (await listTables(db)).length;
    } finally {
      await db.close();
    }
    try {
      await runPgDump(url, temporary, tables, progress);
      renameSync(temporary, out);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    return { file: out, bytes: statSync(out).size, tables, ms: Date.now() - started, backend: 'postgres' };
  }
  const db = await openRaw({ dataDir: options.source.dataDir });
  try {
    const pg = db.pglite;
    if (!pg) throw new Error('an embedded source has a PGlite instance');
    const tables = (await listTables(db)).length;
    progress({ phase: 'dump', done: 0, total: tables });
    const file = await pgDump({ pg, args: DUMP_ARGS, fileName: 'backup.sql' });
    progress({ phase: 'dump', done: tables, total: tables });
    try {
      let written = 0;
      const counted = Readable.fromWeb(file.stream() as import('node:stream/web').ReadableStream<Uint8Array>);
      counted.on('data', (chunk: Buffer) => {
        written += chunk.length;
        progress({ phase: 'write', done: written, total: file.size });
      });
      await pipeline(counted, createWriteStream(temporary));
      renameSync(temporary, out);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    return { file: out, bytes: statSync(out).size, tables, ms: Date.now() - started, backend: 'pglite' };
  } finally {
    await db.close();
  }
}

/** The major version of the `pg_dump` on PATH; a clear error when there is none. */
function checkPgDump(): number {
  const result = spawnSync('pg_dump', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new TransferError(
      'pg_dump was not found on PATH: a PostgreSQL backup needs it. ' +
        "Install the Debian package postgresql-client (apt-get install postgresql-client), of the server's major version or newer.",
    );
  }
  const match = /(\d+)(?:\.\d+)?/.exec(result.stdout);
  return Number(match?.[1] ?? 0);
}

function runPgDump(
  url: string,
  file: string,
  tables: number,
  progress: (progress: BackupProgress) => void,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('pg_dump', [...DUMP_ARGS, '--verbose', '--file', file, '--dbname', url], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let done = 0;
    let messages = '';
    let pending = '';
    progress({ phase: 'dump', done, total: tables });
    child.stderr.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('dumping contents of table')) {
          done++;
          progress({ phase: 'dump', done: Math.min(done, tables), total: tables });
        } else if (!line.includes('pg_dump: ') || /error|fatal|mismatch/i.test(line)) {
          messages += `${line}\n`;
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) return resolvePromise();
      const detail = (messages + pending).trim().split('\n').slice(-3).join(' ');
      reject(
        new TransferError(
          /version mismatch/i.test(detail)
            ? `pg_dump refused the server: ${detail}. Install the client tools of the server's major version (Debian: postgresql-client-<major>).`
            : `pg_dump failed (exit ${code}): ${detail}`,
        ),
      );
    });
  });
}
