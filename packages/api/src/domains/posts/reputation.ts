import type { PrivilegePreset } from '@devflow/contract';
import {
  type CommunityReputationCounts,
  type CommunityReputationCountsRow,
  communityReputationCountsStatement,
  type Executor,
  queryRows,
  type ReputationCounts,
  type ReputationCountsRow,
  reputationCountsStatement,
  toCommunityReputationCounts,
  toReputationCounts,
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
  return reputationQuery(userId, preset).read((statement) => queryRows(db, statement));
}

/** A raw statement of `@devflow/db`, which this module only hands over to be run. */
type Statement = ReturnType<typeof reputationCountsStatement>;

/** A user id, or a placeholder bound when the statement runs (the bench renders statements once). */
type UserIdParam = Parameters<typeof reputationCountsStatement>[0];

/** Runs one raw statement and resolves to its rows (`queryRows` on a database handle). */
export type StatementRunner = <T extends Record<string, unknown>>(statement: Statement) => Promise<T[]>;

/**
 * `reputationOf` as its one statement under `preset`'s rules (`reputationCounts`' or
 * `communityReputationCounts`' statement, the community points from `COMMUNITY_REPUTATION_RULE`) and
 * `read`, which runs that statement through `run` and turns its row into the reputation. Exported so the
 * bench's bare twin renders the statement once and reads it alike (bench/queries-user.ts).
 */
export function reputationQuery(userId: UserIdParam, preset: PrivilegePreset = 'team') {
  if (preset === 'community') {
    const rule = COMMUNITY_REPUTATION_RULE;
    const statement = communityReputationCountsStatement(userId, {
      questionUpvote: rule.questionUpvote,
      answerUpvote: rule.answerUpvote,
      dailyCap: rule.dailyCap,
    });
    return {
      statement,
      read: async (run: StatementRunner) => {
        const [row] = await run<CommunityReputationCountsRow>(statement);
        return communityReputationFrom(toCommunityReputationCounts(row));
      },
    };
  }
  const statement = reputationCountsStatement(userId);
  return {
    statement,
    read: async (run: StatementRunner) => {
      const [row] = await run<ReputationCountsRow>(statement);
      return reputationFrom(toReputationCounts(row));
    },
  };
}
