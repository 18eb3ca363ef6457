import type { SQL } from 'drizzle-orm';
import type { Database } from '../client';
import { plannedReplies, type SeedPlan } from './plans';
import { TAGS } from './text';

/** Progress of a running seed: rows written so far out of the planned total. */
export type SeedProgress = { phase: string; done: number; total: number };

/** Every row a plan writes, as progress counts them (questions thrice: row, tags, first revision). */
function plannedRows(plan: SeedPlan): number {
  return (
    plan.users +
    plan.follows +
    TAGS.length +
    plan.questions * 3 +
    plan.answers * 2 +
    plannedReplies(plan) +
    plan.reactions
  );
}

/** A seed under way: the database, its plan, and the progress it reports after every statement. */
export class SeedRun {
  /** Rows the plan writes in all. */
  readonly total: number;
  private done = 0;

  constructor(
    readonly db: Database,
    readonly plan: SeedPlan,
    private readonly chunkSize: number,
    private readonly onProgress: ((progress: SeedProgress) => void) | undefined,
  ) {
    this.total = plannedRows(plan);
  }

  /**
   * Writes `count` rows of one kind: runs `build(from, to)` for consecutive 1-based ranges of at most
   * `chunkSize` rows, reporting progress after each.
   */
  async inChunks(phase: string, count: number, build: (from: number, to: number) => SQL): Promise<void> {
    for (let from = 1; from <= count; from += this.chunkSize) {
      const to = Math.min(count, from + this.chunkSize - 1);
      await this.db.execute(build(from, to));
      this.advance(phase, to - from + 1);
    }
  }

  /** Writes `rows` rows in one statement, reporting nothing (too small to show). */
  async once(rows: number, query: SQL): Promise<void> {
    await this.db.execute(query);
    this.done += rows;
  }

  /** Reports the last phase, which writes no new rows: the total is reached. */
  finishing(phase: string): void {
    this.done = this.total;
    this.onProgress?.({ phase, done: this.total, total: this.total });
  }

  private advance(phase: string, rows: number): void {
    this.done += rows;
    this.onProgress?.({ phase, done: Math.min(this.done, this.total), total: this.total });
  }
}
