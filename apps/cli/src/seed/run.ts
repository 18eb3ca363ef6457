import { createDb, DataDirLockedError } from '@devflow/db';
import { SEED_PASSWORD, type SeedProgress, type SeedSize, seed } from '@devflow/db/seed';
import { hash } from '@node-rs/argon2';
import { SingleBar } from 'cli-progress';
import { cliEnv } from '../env';
import { CliError, EXIT } from '../exit-codes';
import { print } from '../output';

/** argon2id at OWASP's minimum (m=19 MiB, t=2, p=1); hashed once and shared by every seeded user. */
export function hashSeedPassword(): Promise<string> {
  return hash(SEED_PASSWORD, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

/** Options of `devflow seed`. */
export type SeedCommandOptions = { size: SeedSize; databaseUrl?: string; dataDir?: string; json: boolean };

/**
 * Opens the database like the server does (DATABASE_URL, else embedded PGlite in the data dir), migrates
 * it, seeds it with a progress bar on stderr and prints what was written.
 */
export async function runSeed(options: SeedCommandOptions): Promise<void> {
  const { json } = options;
  const databaseUrl = options.databaseUrl ?? cliEnv.DATABASE_URL;
  const handle = await createDb({
    databaseUrl: databaseUrl || undefined,
    dataDir: options.dataDir ?? cliEnv.DATA_DIR ?? '.data',
    statementTimeoutMs: 0,
  }).catch((error: unknown) => {
    // A server (or another command) holds the embedded data dir.
    if (error instanceof DataDirLockedError) throw new CliError(error.message, EXIT.usage);
    throw error;
  });
  const bar = new SingleBar({
    format: 'seed {phase} [{bar}] {percentage}% | {value}/{total} rows | {duration_formatted}',
    stream: process.stderr,
    hideCursor: true,
    noTTYOutput: false,
    etaBuffer: 50,
  });
  let started = false;
  const onProgress = (progress: SeedProgress) => {
    if (!started) {
      bar.start(progress.total, 0, { phase: progress.phase.padEnd(18) });
      started = true;
    }
    bar.update(progress.done, { phase: progress.phase.padEnd(18) });
  };
  try {
    await handle.migrate();
    const result = await seed(handle.db, {
      size: options.size,
      passwordHash: await hashSeedPassword(),
      onProgress,
    });
    if (started) bar.stop();
    print(json, { ...result, backend: handle.kind, password: SEED_PASSWORD }, () =>
      [
        `Seeded ${handle.kind} (${options.size}) in ${(result.ms / 1000).toFixed(1)} s:`,
        `  ${result.users} users, ${result.follows} follows, ${result.tags} tags`,
        `  ${result.questions} questions (${result.acceptedAnswers} with an accepted answer), ${result.answers} answers`,
        `  ${result.replies} replies (deepest level ${result.maxReplyDepth}), ${result.reactions} reactions, ${result.revisions} revisions`,
        `  Sign in as user1 … user${result.users} with password ${SEED_PASSWORD}.`,
        '',
      ].join('\n'),
    );
  } finally {
    if (started) bar.stop();
    await handle.close();
  }
}
