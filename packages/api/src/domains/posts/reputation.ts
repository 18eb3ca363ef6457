import type { PrivilegePreset } from '@devflow/contract';
import { type Executor, type ReputationCounts, reputationCounts } from '@devflow/db';

/** Points per event (README, reputation): likes earn, dislikes cost, an accepted answer earns most. */
export const REPUTATION_RULE = { like: 10, dislike: -2, acceptedAnswer: 15 } as const;

/** Reputation from counts: the rule in one function, used everywhere reputation is shown. */
export function reputationFrom(counts: ReputationCounts): number {
  return (
    counts.likes * REPUTATION_RULE.like +
    counts.dislikes * REPUTATION_RULE.dislike +
    counts.acceptedAnswers * REPUTATION_RULE.acceptedAnswer
  );
}

/**
 * A user's reputation under `preset`'s rules, computed from the live counters of their non-deleted
 * questions and answers and their answers accepted on other people's non-deleted questions
 * (`reputationCounts`, one statement).
 */
export async function reputationOf(
  db: Executor,
  userId: number,
  _preset: PrivilegePreset = 'team',
): Promise<number> {
  return reputationFrom(await reputationCounts(db, userId));
}
