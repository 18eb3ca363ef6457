import { answers, type Executor, queryRows, questions } from '@devflow/db';
import { sql } from 'drizzle-orm';

/** Points per event (CONTRACT.md / issue 4): likes earn, dislikes cost, an accepted answer earns most. */
export const REPUTATION_RULE = { like: 10, dislike: -2, acceptedAnswer: 15 } as const;

/** Reputation from counts: the rule in one function, used everywhere reputation is shown. */
export function reputationFrom(counts: { likes: number; dislikes: number; acceptedAnswers: number }): number {
  return (
    counts.likes * REPUTATION_RULE.like +
    counts.dislikes * REPUTATION_RULE.dislike +
    counts.acceptedAnswers * REPUTATION_RULE.acceptedAnswer
  );
}

/**
 * A user's reputation, computed from the live counters of their non-deleted questions and answers and
 * their answers accepted on other people's non-deleted questions (accepting your own answer earns nothing,
 * as on Stack Overflow). Reads `questions_author_idx` and `answers_author_idx`.
 */
export async function reputationOf(db: Executor, userId: number): Promise<number> {
  const [row] = await queryRows<{ likes: number; dislikes: number; accepted: number }>(
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
  return reputationFrom({
    likes: Number(row?.likes ?? 0),
    dislikes: Number(row?.dislikes ?? 0),
    acceptedAnswers: Number(row?.accepted ?? 0),
  });
}
