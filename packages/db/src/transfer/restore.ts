import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { TransferError } from './errors';
import { type Contents, describeContents, describeReplaced, isEmpty, wipe } from './inventory';
import { openRaw, type RawDb, type TransferTarget } from './raw';
import { splitSqlScript } from './sql-script';

/** Progress of a restore, in bytes of the dump read. */
export type RestoreProgress = { done: number; total: number };

/** What `restore` did. */
export type RestoreResult = {
  backend: RawDb['kind'];
  tables: number;
  rows: number;
  /** What `--force` replaced (empty when the database was empty). */
  replaced: string[];
  ms: number;
};

/** Statements sent together to the database (bytes), so a dump of many INSERTs costs few round trips. */
const SCRIPT_CHUNK_BYTES = 256 * 1024;

/**
 * Loads a plain-SQL dump (from `backup`, or any `pg_dump` of a DevFlow database) into `target`, in one
 * transaction: either every statement applied or nothing changed. The target must be empty; with
 * `force` its contents are listed through `onReplace` first, then dropped in that same transaction.
 * `SET` lines for settings the target does not know (a newer `pg_dump`'s `transaction_timeout`) and
 * psql meta-commands are skipped; `COPY … FROM stdin` blocks are streamed in batches.
 */
export async function restore(options: {
  file: string;
  target: TransferTarget;
  force?: boolean;
  onReplace?: (lines: string[]) => void;
  onProgress?: (progress: RestoreProgress) => void;
}): Promise<RestoreResult> {
  const started = Date.now();
  const total = checkDumpFile(options.file);
  const db = await openRaw(options.target);
  try {
    const before = await describeContents(db);
    const replaced = isEmpty(before) ? [] : describeReplaced(before);
    if (!isEmpty(before)) {
      if (!options.force) {
        throw new TransferError(
          `${db.where} is not empty, so nothing was restored. It holds:\n${replaced.join('\n')}\n` +
            'Restore into an empty database, or pass --force to replace all of it.',
        );
      }
      options.onReplace?.(replaced);
    }
    await db.exec('begin');
    try {
      if (!isEmpty(before)) await wipe(db, before);
      await runScript(db, options.file, total, options.onProgress);
      await db.exec('commit');
    } catch (error) {
      await db.exec('rollback').catch(() => {});
      throw error;
    }
    const after: Contents = await describeContents(db);
    return {
      backend: db.kind,
      tables: after.tables.length,
      rows: after.tables.reduce((sum, table) => sum + table.rows, 0),
      replaced,
      ms: Date.now() - started,
    };
  } finally {
    await db.close();
  }
}

/** Size of the dump; refuses a file that is missing or not a plain-SQL PostgreSQL dump. */
function checkDumpFile(file: string): number {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new TransferError(`${file} does not exist or cannot be read.`);
  }
  const head = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  const read = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  if (!head.subarray(0, read).toString('utf8').includes('PostgreSQL database dump')) {
    throw new TransferError(
      `${file} is not a plain-SQL PostgreSQL dump (written by devflow backup or pg_dump).`,
    );
  }
  return size;
}

/** Runs a dump's statements and COPY data on `db` (inside the caller's transaction). */
export async function runScript(
  db: RawDb,
  file: string,
  total: number,
  onProgress?: (progress: RestoreProgress) => void,
): Promise<void> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  let read = 0;
  stream.on('data', (chunk) => {
    read += Buffer.byteLength(chunk);
  });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  await runItems(db, splitSqlScript(lines), () => onProgress?.({ done: Math.min(read, total), total }));
}

/** Runs split statements and COPY batches on `db`, skipping settings `db` does not know. */
export async function runItems(
  db: RawDb,
  items: AsyncIterable<import('./sql-script').ScriptItem>,
  tick: () => void = () => {},
): Promise<void> {
  const known = new Map<string, boolean>();
  const settingExists = async (name: string) => {
    const key = name.toLowerCase();
    let exists = known.get(key);
    if (exists === undefined) {
      exists = (await db.query(`select 1 from pg_settings where name = $1`, [key])).length > 0;
      known.set(key, exists);
    }
    return exists;
  };
  let chunk = '';
  const flush = async () => {
    if (chunk === '') return;
    const script = chunk;
    chunk = '';
    await db.exec(script);
    tick();
  };
  for await (const item of items) {
    if (item.kind === 'copy') {
      await flush();
      await db.copyIn(item.statement, `${item.lines.join('\n')}\n`);
      tick();
      continue;
    }
    const setting = /^SET\s+([A-Za-z_][\w.]*)\s*(?:=|TO\s)/i.exec(item.text);
    if (setting?.[1] && !(await settingExists(setting[1]))) continue;
    chunk += `${item.text}\n`;
    if (chunk.length >= SCRIPT_CHUNK_BYTES) await flush();
  }
  await flush();
}
