import { DataDirLockedError } from '@devflow/db';
import {
  type BackupProgress,
  backup,
  type MoveProgress,
  moveToPostgres,
  redactUrl,
  restore,
  TransferError,
  type TransferTarget,
} from '@devflow/db/transfer';
import { SingleBar } from 'cli-progress';
import { cliEnv } from '../env';
import { CliError, EXIT, usage } from '../exit-codes';
import { print } from '../output';

/** The database a command works on: the flags, else DATABASE_URL, else the data dir (as the server). */
function resolveTarget(options: { databaseUrl?: string; dataDir?: string }): TransferTarget {
  if (options.dataDir) return { dataDir: options.dataDir };
  const databaseUrl = options.databaseUrl ?? cliEnv.DATABASE_URL;
  if (databaseUrl) return { databaseUrl };
  return { dataDir: cliEnv.DATA_DIR ?? '.data' };
}

function describe(target: TransferTarget): string {
  return target.databaseUrl ? `PostgreSQL ${redactUrl(target.databaseUrl)}` : `PGlite in ${target.dataDir}`;
}

/** Turns what the transfer code throws into the CLI's one-line failures: a held data dir exits 2. */
async function reporting<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DataDirLockedError) throw new CliError(error.message, EXIT.usage);
    if (error instanceof TransferError) throw new CliError(error.message, EXIT.apiError);
    // A database that cannot be reached or refused a statement: its own words, never a stack trace.
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    throw new CliError(
      `The database refused or could not be reached: ${message}${typeof code === 'string' ? ` (${code})` : ''}`,
      EXIT.apiError,
    );
  }
}

/** A progress bar on stderr when it is a terminal; one line per phase otherwise (logs, tests). */
function progressReporter(label: string): {
  update(phase: string, done: number, total: number): void;
  stop(): void;
} {
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: `${label} {phase} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      })
    : null;
  let current = '';
  return {
    update(phase, done, total) {
      if (phase !== current) {
        current = phase;
        if (bar) {
          bar.stop();
          bar.start(total, done, { phase: phase.padEnd(8) });
        } else process.stderr.write(`${label}: ${phase} (${total})\n`);
      }
      bar?.setTotal(total);
      bar?.update(done, { phase: phase.padEnd(8) });
    },
    stop() {
      bar?.stop();
    },
  };
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** `devflow backup`. */
export async function runBackup(options: {
  databaseUrl?: string;
  dataDir?: string;
  out?: string;
  json: boolean;
}): Promise<void> {
  const source = resolveTarget(options);
  const out = options.out ?? `devflow-backup-${stamp()}.sql`;
  const bar = progressReporter('backup');
  const result = await reporting(() =>
    backup({
      source,
      out,
      onProgress: (p: BackupProgress) => bar.update(p.phase === 'dump' ? 'tables' : 'bytes', p.done, p.total),
    }),
  ).finally(() => bar.stop());
  print(
    options.json,
    result,
    () =>
      `Backed up ${describe(source)} (${result.tables} tables) to ${result.file}: ${(result.bytes / 1e6).toFixed(1)} MB in ${(result.ms / 1000).toFixed(1)} s.\n`,
  );
}

/** `devflow restore FILE`. */
export async function runRestore(options: {
  file: string;
  databaseUrl?: string;
  dataDir?: string;
  force?: boolean;
  json: boolean;
}): Promise<void> {
  const target = resolveTarget(options);
  const bar = progressReporter('restore');
  const result = await reporting(() =>
    restore({
      file: options.file,
      target,
      force: options.force === true,
      onReplace: (lines) =>
        process.stderr.write(
          `--force: replacing everything ${describe(target)} holds:\n${lines.join('\n')}\n`,
        ),
      onProgress: (p) => bar.update('bytes', p.done, p.total),
    }),
  ).finally(() => bar.stop());
  print(
    options.json,
    result,
    () =>
      `Restored ${options.file} into ${describe(target)}: ${result.tables} tables, ${result.rows} rows in ${(result.ms / 1000).toFixed(1)} s.\n`,
  );
}

/** `devflow move --to URL`. */
export async function runMove(options: {
  to: string;
  dataDir?: string;
  force?: boolean;
  json: boolean;
}): Promise<void> {
  if (!/^postgres(ql)?:\/\//.test(options.to)) {
    throw usage(
      `--to must be a PostgreSQL URL like postgres://user@host:5432/devflow (got "${redactUrl(options.to)}").`,
    );
  }
  const dataDir = options.dataDir ?? cliEnv.DATA_DIR ?? '.data';
  const bar = progressReporter('move');
  const labels: Record<MoveProgress['phase'], string> = {
    schema: 'creating the schema',
    copy: 'copying rows',
    indexes: 'adding indexes, constraints and sequences',
    verify: 'verifying tables',
    migrate: 'applying migrations',
  };
  const result = await reporting(() =>
    moveToPostgres({
      dataDir,
      to: options.to,
      force: options.force === true,
      onReplace: (lines) =>
        process.stderr.write(
          `--force: replacing everything ${redactUrl(options.to)} holds:\n${lines.join('\n')}\n`,
        ),
      onProgress: (p) => bar.update(labels[p.phase], p.done, p.total),
    }),
  ).finally(() => bar.stop());
  const secret = result.env.APP_SECRET;
  print(options.json, result, () =>
    [
      `Moved ${dataDir} to ${redactUrl(options.to)} in ${(result.ms / 1000).toFixed(1)} s: ${result.rows} rows in ${result.tables.length} tables, ${result.sequences} sequences.`,
      'Verified: row counts and checksums match on both sides for every table. The data dir was not changed.',
      'Start the server with:',
      `  DATABASE_URL=${options.to}`,
      secret
        ? `  APP_SECRET=${secret}`
        : '  APP_SECRET=<the secret your server signs links with; any long random string if it never had one>',
      '',
    ].join('\n'),
  );
}
