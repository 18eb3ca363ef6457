import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { createDb } from '../client';
import { acquireDataDirLock } from '../data-dir-lock';
import { TransferError } from './errors';
import {
  copyColumns,
  describeContents,
  describeReplaced,
  isEmpty,
  listSequences,
  listTables,
  qualified,
  sequenceColumns,
  tableChecksum,
  wipe,
} from './inventory';
import { openRaw, quoteIdent, type RawDb, redactUrl } from './raw';
import { runItems } from './restore';
import { splitSqlScript } from './sql-script';

/** Schema of the marker a move writes into the target first and drops last. */
export const MOVE_MARKER_SCHEMA = 'devflow_move';

/** File in the data dir holding the generated APP_SECRET of the embedded default, if the server wrote one. */
export const APP_SECRET_FILE = 'app-secret';

/** Heap pages of a source table read per `COPY` batch: bounds the memory a move needs. */
const PAGES_PER_BATCH = 128;

/** Progress of a move: its phase, and rows copied or tables verified so far. */
export type MoveProgress = {
  phase: 'schema' | 'copy' | 'indexes' | 'verify' | 'migrate';
  done: number;
  total: number;
};

/** One table as verified on both sides. */
export type VerifiedTable = { table: string; rows: number; checksum: string };

/** What `moveToPostgres` did, and the environment a server needs to run on the target. */
export type MoveResult = {
  tables: VerifiedTable[];
  rows: number;
  sequences: number;
  replaced: string[];
  ms: number;
  env: { DATABASE_URL: string; APP_SECRET: string | null };
};

/**
 * Moves the embedded PGlite database in `dataDir` to the empty PostgreSQL database at `to`:
 * 1. writes a marker schema into the target (so an interrupted move is recognisable);
 * 2. creates the source's schema there (pg_dump's pre-data section: every schema, tables, types,
 *    sequences, functions — no indexes, constraints or triggers yet, so rows load fast and triggers do
 *    not fire again on copied rows);
 * 3. copies every table in batches of heap pages (`COPY` out of PGlite, `COPY` into PostgreSQL);
 * 4. adds indexes, constraints and triggers (the post-data section) and sets every sequence to the
 *    source's value;
 * 5. verifies row counts and a checksum per table on both sides, and every sequence past its column's
 *    highest value; then applies any migration the source had not, and drops the marker.
 * The source is only read (its lock keeps a server out meanwhile). A target holding data, or the marker
 * of an interrupted move, is refused unless `force`, which lists what it replaces through `onReplace`.
 */
export async function moveToPostgres(options: {
  dataDir: string;
  to: string;
  force?: boolean;
  onReplace?: (lines: string[]) => void;
  onProgress?: (progress: MoveProgress) => void;
}): Promise<MoveResult> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => {});
  if (!existsSync(join(options.dataDir, 'pglite'))) {
    throw new TransferError(
      `${options.dataDir} holds no embedded database (no ${join(options.dataDir, 'pglite')}).`,
    );
  }
  // The lock first (a running server makes this throw), then the target's state: a refusal costs no
  // PGlite start.
  const releaseLock = acquireDataDirLock(options.dataDir);
  let source: RawDb | null = null;
  let target: RawDb | null = null;
  try {
    target = await openRaw({ databaseUrl: options.to });
    const before = await describeContents(target);
    const replaced = isEmpty(before) ? [] : describeReplaced(before);
    if (!isEmpty(before)) {
      const interrupted = before.schemas.includes(MOVE_MARKER_SCHEMA);
      if (!options.force) {
        throw new TransferError(
          interrupted
            ? `${target.where} holds an interrupted move (its ${MOVE_MARKER_SCHEMA} marker is still there), so it is incomplete. ` +
                'Run the move again with --force to start it over (the target is emptied first).'
            : `${target.where} is not empty, so nothing was moved. It holds:\n${replaced.join('\n')}\n` +
                'Move into a new, empty database, or pass --force to replace all of it.',
        );
      }
    }
    source = await openRaw({ dataDir: options.dataDir });
    const pg = source.pglite;
    if (!pg) throw new Error('the source is PGlite');
    const sourceTables = await listTables(source);
    if (sourceTables.length === 0)
      throw new TransferError(`${options.dataDir} holds no tables: nothing to move.`);
    if (!isEmpty(before)) {
      options.onReplace?.(replaced);
      await wipe(target, before);
    }
    // 1. The marker goes in first and comes out last.
    await target.exec(
      `create schema ${MOVE_MARKER_SCHEMA};
       create table ${MOVE_MARKER_SCHEMA}.incomplete (started_at timestamptz not null default now(), source text not null);`,
    );
    await target.query(`insert into ${MOVE_MARKER_SCHEMA}.incomplete (source) values ($1)`, [
      options.dataDir,
    ]);

    // 2. Schema without indexes, constraints and triggers.
    progress({ phase: 'schema', done: 0, total: 1 });
    await runDumpSection(pg, target, 'pre-data');
    progress({ phase: 'schema', done: 1, total: 1 });

    // 3. Rows.
    const counts = new Map<string, number>();
    let totalRows = 0;
    for (const table of sourceTables) {
      const [row] = await source.query<{ n: string }>(
        `select count(*)::text as n from ${qualified(table.schema, table.name)}`,
      );
      const rows = Number(row?.n ?? 0);
      counts.set(qualified(table.schema, table.name), rows);
      totalRows += rows;
    }
    let copied = 0;
    progress({ phase: 'copy', done: 0, total: totalRows });
    for (const table of sourceTables) {
      const name = qualified(table.schema, table.name);
      if (counts.get(name) === 0) continue;
      const columns = (await copyColumns(source, table.schema, table.name)).map(quoteIdent).join(', ');
      const [size] = await source.query<{ pages: number }>(
        `select (pg_relation_size($1::regclass) / current_setting('block_size')::int)::int as pages`,
        [name],
      );
      const pages = size?.pages ?? 0;
      for (let first = 0; first < pages; first += PAGES_PER_BATCH) {
        const result = await pg.query(
          `copy (select ${columns} from ${name}
                  where ctid >= '(${first},0)'::tid and ctid < '(${first + PAGES_PER_BATCH},0)'::tid)
             to '/dev/blob'`,
        );
        const data = result.blob ? await result.blob.text() : '';
        if (data === '') continue;
        await target.copyIn(`copy ${name} (${columns}) from stdin`, data);
        copied += countLines(data);
        progress({ phase: 'copy', done: copied, total: totalRows });
      }
    }

    // 4. Indexes, constraints, triggers; sequences.
    progress({ phase: 'indexes', done: 0, total: 1 });
    await runDumpSection(pg, target, 'post-data');
    const sequences = await listSequences(source);
    for (const sequence of sequences) {
      if (sequence.lastValue === null) continue;
      await target.query(`select setval($1::regclass, $2::bigint, true)`, [
        qualified(sequence.schema, sequence.name),
        sequence.lastValue,
      ]);
    }
    progress({ phase: 'indexes', done: 1, total: 1 });

    // 5. Verify, migrate, drop the marker.
    const verified = await verify(source, target, sourceTables, progress);
    progress({ phase: 'migrate', done: 0, total: 1 });
    const migrated = await createDb({ databaseUrl: options.to, poolSize: 1, statementTimeoutMs: 0 });
    try {
      await migrated.migrate();
    } finally {
      await migrated.close();
    }
    await target.exec(`drop schema ${MOVE_MARKER_SCHEMA} cascade`);
    progress({ phase: 'migrate', done: 1, total: 1 });
    const secretFile = join(options.dataDir, APP_SECRET_FILE);
    return {
      tables: verified,
      rows: verified.reduce((sum, table) => sum + table.rows, 0),
      sequences: sequences.length,
      replaced,
      ms: Date.now() - started,
      env: {
        DATABASE_URL: options.to,
        APP_SECRET: existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : null,
      },
    };
  } finally {
    await target?.close();
    await source?.close();
    releaseLock();
  }
}

/** Applies one section (`pre-data` or `post-data`) of the source's schema to the target. */
async function runDumpSection(
  pg: NonNullable<RawDb['pglite']>,
  target: RawDb,
  section: 'pre-data' | 'post-data',
): Promise<void> {
  const file = await pgDump({
    pg,
    args: ['--schema-only', `--section=${section}`, '--no-owner', '--no-privileges'],
    fileName: `${section}.sql`,
  });
  const text = await file.text();
  async function* lines() {
    yield* text.split('\n');
  }
  await target.exec('begin');
  try {
    await runItems(target, splitSqlScript(lines()));
    await target.exec('commit');
  } catch (error) {
    await target.exec('rollback').catch(() => {});
    throw error;
  }
  // pg_dump's script empties the search path of the session; later statements name their schemas.
}

/** Compares every table (rows and checksum) and every sequence on both sides; throws on a difference. */
async function verify(
  source: RawDb,
  target: RawDb,
  tables: { schema: string; name: string }[],
  progress: (progress: MoveProgress) => void,
): Promise<VerifiedTable[]> {
  const verified: VerifiedTable[] = [];
  const problems: string[] = [];
  progress({ phase: 'verify', done: 0, total: tables.length });
  for (const table of tables) {
    const mine = await tableChecksum(source, table.schema, table.name);
    const theirs = await tableChecksum(target, table.schema, table.name);
    const label = `${table.schema}.${table.name}`;
    if (mine.rows !== theirs.rows || mine.checksum !== theirs.checksum) {
      problems.push(
        `${label}: ${mine.rows} rows in the source, ${theirs.rows} in the target` +
          (mine.rows === theirs.rows ? ' (same count, different contents)' : ''),
      );
    }
    verified.push({ table: label, rows: theirs.rows, checksum: theirs.checksum });
    progress({ phase: 'verify', done: verified.length, total: tables.length });
  }
  for (const column of await sequenceColumns(target)) {
    const [row] = await target.query<{ ok: boolean }>(
      `select coalesce((select max(${quoteIdent(column.column)}) from ${qualified(column.schema, column.table)}), 0)
              <= (select coalesce(last_value, 0) from pg_sequences
                   where format('%I.%I', schemaname, sequencename)::regclass = $1::regclass) as ok`,
      [column.sequence],
    );
    if (!row?.ok)
      problems.push(`sequence ${column.sequence} is not past the highest ${column.table}.${column.column}`);
  }
  if (problems.length > 0) {
    throw new TransferError(
      `The move did not verify, so ${redactUrl(target.where)} keeps its ${MOVE_MARKER_SCHEMA} marker (incomplete):\n  ${problems.join('\n  ')}`,
    );
  }
  return verified;
}

function countLines(data: string): number {
  let lines = 0;
  for (let i = data.indexOf('\n'); i !== -1; i = data.indexOf('\n', i + 1)) lines++;
  return lines;
}
