import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../client';
import { seedAnswerRevisions, seedAnswers } from './answers';
import { countSeeded, type SeedCounts, syncIdentities, updateCounters } from './counters';
import { planOf, type SeedPlan, type SeedSize } from './plans';
import { seedQuestionRevisions, seedQuestions, seedQuestionTags, seedTags } from './questions';
import { seedReactions } from './reactions';
import { seedReplies } from './replies';
import { type SeedProgress, SeedRun } from './run';
import { seedFollows, seedUsers } from './users';

export { updateCounters } from './counters';
export {
  plannedReplies,
  planOf,
  SEED_PLANS,
  type SeedLandmarks,
  type SeedPlan,
  type SeedSize,
  seedLandmarks,
  type ThreadPlan,
  type ThreadShape,
} from './plans';
export { seededRandom } from './random';
export type { SeedProgress } from './run';
export { VOCABULARY_SIZE, vocabularyWord } from './text';

/** The password of every seeded user (benchmarks sign in as `user1`…`userN`). */
export const SEED_PASSWORD = 'devflow-seed-password';

/** Options of `seed`. */
export type SeedOptions = {
  /** A preset of `devflow seed --size`, or a plan of one's own (the bench's data sets). */
  size: SeedSize | SeedPlan;
  /**
   * argon2id hash of `SEED_PASSWORD`, computed once by the caller and stored for every user; null leaves
   * the users without a password (the bench signs in with accounts it registers itself).
   */
  passwordHash: string | null;
  /** Called after every chunk (a few hundred times for `large`). */
  onProgress?: (progress: SeedProgress) => void;
  /** Rows per INSERT statement; bigger is faster, smaller reports progress more often. */
  chunkSize?: number;
};

/** What `seed` wrote: rows per table, counted after the fact, and how long it took. */
export type SeedResult = SeedCounts & { ms: number };

/** Thrown when the database already holds users: seeding is for empty databases. */
export class SeedNotEmptyError extends Error {
  constructor() {
    super('The database already has users: seed an empty database (or drop its data first).');
    this.name = 'SeedNotEmptyError';
  }
}

/**
 * Fills an empty database with a realistic data set through set-based SQL (`insert … select` over
 * `generate_series`, in chunks): users with one known password, follows, tags, questions with tags and
 * a first revision, answers, reply trees (small trees, 1,000-deep chains, long threads), reactions.
 * Every table's ids run from 1, so references are arithmetic rather than lookups; counters (likes,
 * dislikes, score, answer counts, accepted answers, tag usage, last activity) are computed at the end
 * from the rows, so they equal COUNT(*) of what they summarize.
 */
export async function seed(db: Database, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const [existing] = await queryRows<{ n: unknown }>(db, sql`select count(*) as n from users`);
  if (Number(existing?.n ?? 0) > 0) throw new SeedNotEmptyError();
  const run = new SeedRun(db, planOf(options.size), options.chunkSize ?? 50_000, options.onProgress);

  await seedUsers(run, options.passwordHash);
  await seedFollows(run);
  await seedTags(run);
  await seedQuestions(run);
  await seedQuestionTags(run);
  await seedQuestionRevisions(run);
  await seedAnswers(run);
  await seedAnswerRevisions(run);
  await seedReplies(run);
  await seedReactions(run);

  run.finishing('counters');
  await updateCounters(db);
  await syncIdentities(db);
  return { ...(await countSeeded(db)), ms: Math.round(performance.now() - started) };
}
