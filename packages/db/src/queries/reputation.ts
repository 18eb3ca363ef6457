import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import { answers, questions } from '../schema';
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
    sql`
      select
        coalesce((select sum(${questions.likes}) from ${questions} where ${questions.authorId} = ${userId} and ${questions.deletedAt} is null), 0)
        + coalesce((select sum(${answers.likes}) from ${answers} where ${answers.authorId} = ${userId} and ${answers.deletedAt} is null), 0) as likes,
        coalesce((select sum(${questions.dislikes}) from ${questions} where ${questions.authorId} = ${userId} and ${questions.deletedAt} is null), 0)
        + coalesce((select sum(${answers.dislikes}) from ${answers} where ${answers.authorId} = ${userId} and ${answers.deletedAt} is null), 0) as dislikes,
        (select count(*) from ${answers} join ${questions} on ${questions.acceptedAnswerId} = ${answers.id}
          where ${answers.authorId} = ${userId} and ${answers.deletedAt} is null and ${questions.deletedAt} is null
            and ${questions.authorId} <> ${userId}) as accepted
    `,
  );
  return {
    likes: Number(row?.likes ?? 0),
    dislikes: Number(row?.dislikes ?? 0),
    acceptedAnswers: Number(row?.accepted ?? 0),
  };
}
