import type { PrivilegePreset } from '@devflow/contract';
import {
  type CommunityReputationCounts,
  communityReputationCounts,
  type Executor,
  type ReputationCounts,
  reputationCounts,
} from '@devflow/db';

/**
 * Points per event under the `team` preset (README, "Privileges and reputation"): likes earn, dislikes
 * cost, an accepted answer earns most. Computed from the posts' live counters.
 */
export const REPUTATION_RULE = { like: 10, dislike: -2, acceptedAnswer: 15 } as const;

/**
 * Points per event under the `community` preset (Stack Overflow's): an upvote on a question +5, on an
 * answer +10, capped at 200 a day (UTC) from upvotes; a downvote received −2; downvoting an answer costs
 * the voter −1; an accepted answer +15 (not capped). Computed from the dated vote rows.
 */
export const COMMUNITY_REPUTATION_RULE = {
  questionUpvote: 5,
  answerUpvote: 10,
  dailyCap: 200,
  downvoteReceived: -2,
  answerDownvoteCast: -1,
  acceptedAnswer: 15,
} as const;

/** Reputation from counts under the team rules. */
export function reputationFrom(counts: ReputationCounts): number {
  return (
    counts.likes * REPUTATION_RULE.like +
    counts.dislikes * REPUTATION_RULE.dislike +
    counts.acceptedAnswers * REPUTATION_RULE.acceptedAnswer
  );
}

/** Reputation from counts under the community rules (the daily cap is applied by the query). */
export function communityReputationFrom(counts: CommunityReputationCounts): number {
  const rule = COMMUNITY_REPUTATION_RULE;
  return (
    counts.cappedUpvotePoints +
    counts.downvotesReceived * rule.downvoteReceived +
    counts.answerDownvotesCast * rule.answerDownvoteCast +
    counts.acceptedAnswers * rule.acceptedAnswer
  );
}

/**
 * A user's reputation under `preset`'s rules, in one statement, recomputed from the rows every time (no
 * stored total can drift): `team` from the live counters of their non-deleted questions and answers and
 * their answers accepted on other people's questions (`reputationCounts`); `community` from the dated
 * vote rows (`communityReputationCounts`).
 */
export async function reputationOf(
  db: Executor,
  userId: number,
  preset: PrivilegePreset = 'team',
): Promise<number> {
  if (preset === 'community') {
    const rule = COMMUNITY_REPUTATION_RULE;
    return communityReputationFrom(
      await communityReputationCounts(db, userId, {
        questionUpvote: rule.questionUpvote,
        answerUpvote: rule.answerUpvote,
        dailyCap: rule.dailyCap,
      }),
    );
  }
  return reputationFrom(await reputationCounts(db, userId));
}
