import { type Placeholder, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import { answers, questions, reactions } from '../schema';
import type { DbNumber } from './rows';

/** What a user's reputation is computed from (the rule itself lives in the api's reputation service). */
export type ReputationCounts = { likes: number; dislikes: number; acceptedAnswers: number };

/**
 * The counts behind a user's reputation, in one statement: likes and dislikes on their non-deleted
 * questions and answers, and their non-deleted answers accepted on other people's non-deleted questions
 * (accepting your own answer earns nothing, as on Stack Overflow). Reads `questions_author_idx` and
 * `answers_author_idx`.
 */
export async function reputationCounts(db: Executor, userId: number): Promise<ReputationCounts> {
  const [row] = await queryRows<{ likes: DbNumber; dislikes: DbNumber; accepted: DbNumber }>(
    db,
    reputationCountsQuery(userId),
  );
  return {
    likes: Number(row?.likes ?? 0),
    dislikes: Number(row?.dislikes ?? 0),
    acceptedAnswers: Number(row?.accepted ?? 0),
  };
}

/**
 * The statement of `reputationCounts`; its columns, in order: `likes`, `dislikes`, `accepted`. Exported so
 * the bench's bare twin sends the very statement (bench/write-twins.ts).
 */
export function reputationCountsQuery(userId: number | Placeholder): SQL {
  return sql`
      select
        coalesce((select sum(${questions.likes}) from ${questions} where ${questions.authorId} = ${userId} and ${questions.deletedAt} is null), 0)
        + coalesce((select sum(${answers.likes}) from ${answers} where ${answers.authorId} = ${userId} and ${answers.deletedAt} is null), 0) as likes,
        coalesce((select sum(${questions.dislikes}) from ${questions} where ${questions.authorId} = ${userId} and ${questions.deletedAt} is null), 0)
        + coalesce((select sum(${answers.dislikes}) from ${answers} where ${answers.authorId} = ${userId} and ${answers.deletedAt} is null), 0) as dislikes,
        (select count(*) from ${answers} join ${questions} on ${questions.acceptedAnswerId} = ${answers.id}
          where ${answers.authorId} = ${userId} and ${answers.deletedAt} is null and ${questions.deletedAt} is null
            and ${questions.authorId} <> ${userId}) as accepted
    `;
}

/** Points of the community rules that the database applies per day (the api's reputation rule sets them). */
export type VotePoints = { questionUpvote: number; answerUpvote: number; dailyCap: number };

/** What a user's reputation under the community rules is computed from (`communityReputationCounts`). */
export type CommunityReputationCounts = {
  /** Points from upvotes on their live questions and answers, summed per UTC day and capped per day. */
  cappedUpvotePoints: number;
  /** Downvotes received on their live questions and answers. */
  downvotesReceived: number;
  /** Downvotes they cast on live answers (each costs the voter). */
  answerDownvotesCast: number;
  /** Their live answers accepted on other people's live questions. */
  acceptedAnswers: number;
};

/**
 * The counts behind a user's reputation under the community rules, in one statement, from the dated vote
 * rows (`reactions.created_at`, the time the vote was last cast): upvotes received on their non-deleted
 * questions and answers are worth `points.questionUpvote` / `points.answerUpvote`, summed per UTC day and
 * capped at `points.dailyCap` a day; downvotes received and downvotes cast on answers are counted; accepted
 * answers as in `reputationCounts`. Reactions to replies earn nothing (as in the team rules). Reads
 * `questions_author_idx`, `answers_author_idx`, `reactions_target_idx` and the reactions primary key.
 */
export async function communityReputationCounts(
  db: Executor,
  userId: number,
  points: VotePoints,
): Promise<CommunityReputationCounts> {
  const [row] = await queryRows<{ capped: DbNumber; down: DbNumber; cast: DbNumber; accepted: DbNumber }>(
    db,
    sql`
      with received as (
        select ${reactions.value} as value, ${reactions.createdAt} as at, ${points.questionUpvote}::int as worth
          from ${questions} join ${reactions}
            on ${reactions.targetType} = 'question' and ${reactions.targetId} = ${questions.id}
          where ${questions.authorId} = ${userId} and ${questions.deletedAt} is null
        union all
        select ${reactions.value}, ${reactions.createdAt}, ${points.answerUpvote}::int
          from ${answers} join ${reactions}
            on ${reactions.targetType} = 'answer' and ${reactions.targetId} = ${answers.id}
          where ${answers.authorId} = ${userId} and ${answers.deletedAt} is null
      ),
      daily as (
        select least(sum(case when value > 0 then worth else 0 end), ${points.dailyCap}) as up,
               count(*) filter (where value < 0) as down
          from received
          group by date_trunc('day', at at time zone 'UTC')
      )
      select
        (select coalesce(sum(up), 0) from daily) as capped,
        (select coalesce(sum(down), 0) from daily) as down,
        (select count(*) from ${reactions} join ${answers}
            on ${reactions.targetType} = 'answer' and ${answers.id} = ${reactions.targetId}
          where ${reactions.userId} = ${userId} and ${reactions.value} < 0 and ${answers.deletedAt} is null) as cast,
        (select count(*) from ${answers} join ${questions} on ${questions.acceptedAnswerId} = ${answers.id}
          where ${answers.authorId} = ${userId} and ${answers.deletedAt} is null and ${questions.deletedAt} is null
            and ${questions.authorId} <> ${userId}) as accepted
    `,
  );
  return {
    cappedUpvotePoints: Number(row?.capped ?? 0),
    downvotesReceived: Number(row?.down ?? 0),
    answerDownvotesCast: Number(row?.cast ?? 0),
    acceptedAnswers: Number(row?.accepted ?? 0),
  };
}
