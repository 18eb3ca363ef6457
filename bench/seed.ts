/**
 * The bench's two data sets, as plans of DevFlow's one seeder (packages/db/src/seed/): the same rows
 * `devflow seed` writes, with a big thread shaped like a long conversation (deep, so one query per level
 * is many queries), a ~1k-reply side thread and 1,000-deep chains.
 */
import { createDb } from '@devflow/db';
import {
  SEED_PLANS,
  type SeedPlan,
  type SeedProgress,
  seed,
  seededRandom,
  VOCABULARY_SIZE,
  vocabularyWord,
} from '@devflow/db/seed';
import postgres from 'postgres';

/** The data set `pnpm bench --quick` loads: small enough to seed in seconds, deep enough for page 1000. */
export const QUICK_PLAN: SeedPlan = {
  users: 2_000,
  follows: 10_000,
  questions: 21_000,
  answers: 30_000,
  replies: 12_000,
  chains: { count: 2, depth: 1000 },
  bigThread: 5_000,
  bigThreadShape: { kind: 'conversation', window: 200 },
  sideThreads: [{ replies: 1_000, shape: { kind: 'conversation', window: 10 } }],
  reactions: 50_000,
};

/**
 * The full run's data set: the seeder's `large` preset, its big thread a conversation of 100k replies
 * (about 1,000 levels deep), plus the ~1k thread and 20 chains, a million replies in all.
 */
export const FULL_PLAN: SeedPlan = {
  ...SEED_PLANS.large,
  replies: 879_000,
  chains: { count: 20, depth: 1000 },
  bigThreadShape: { kind: 'conversation', window: 200 },
  sideThreads: [{ replies: 1_000, shape: { kind: 'conversation', window: 10 } }],
};

/** How many different queries the search scenario sends (round-robin). */
const SEARCH_QUERY_COUNT = 200;

/**
 * What the search scenario asks, like a query log: one or two words of the seeded body vocabulary
 * (packages/db/src/seed/text.ts), each drawn with the same Zipf's law the seed draws them with, so most
 * queries hit common words with thousands of matches and some hit rare ones with a handful. Reproducible.
 */
export const SEARCH_TERMS = (() => {
  const random = seededRandom(20_260_101);
  const word = () => vocabularyWord(Math.max(1, Math.floor(VOCABULARY_SIZE ** random())));
  return Array.from({ length: SEARCH_QUERY_COUNT }, () => (random() < 0.5 ? word() : `${word()} ${word()}`));
})();

/**
 * Seeds the migrated, empty database at `url` with `plan` (users without a password: the bench registers
 * its own accounts), logging each phase once its first chunk is written, then runs `VACUUM ANALYZE`;
 * returns the seconds taken.
 */
export async function seedBench(url: string, plan: SeedPlan, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  const handle = await createDb({ databaseUrl: url, poolSize: 2, statementTimeoutMs: 0 });
  let phase = '';
  const onProgress = (progress: SeedProgress) => {
    if (progress.phase === phase) return;
    phase = progress.phase;
    log(`  seed ${phase} (at ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  };
  try {
    await seed(handle.db, { size: plan, passwordHash: null, onProgress });
  } finally {
    await handle.close();
  }
  // VACUUM sets the visibility map, so counts over an index (a thread's replies) need no heap fetches.
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    log(`  seed vacuum analyze (at ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    await client`vacuum analyze`;
  } finally {
    await client.end({ timeout: 5 });
  }
  return (performance.now() - started) / 1000;
}
