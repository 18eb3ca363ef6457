import { type questionSimilarInput, SIMILAR_MAX, type similarQuestion, toId } from '@devflow/contract';
import { similarQuestions } from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import type { SessionUser } from '../../trpc/context';

/**
 * `question.similar` (anyone): up to `SIMILAR_MAX` live questions sharing words with a title being typed,
 * most similar first (`similarQuestions`, full text over `questions_search_idx`), for the ask form.
 */
export async function findSimilarQuestions(
  deps: Pick<ApiDeps, 'db'>,
  _actor: SessionUser | null,
  input: z.infer<typeof questionSimilarInput>,
): Promise<z.infer<typeof similarQuestion>[]> {
  const rows = await similarQuestions(deps.db, { title: input.title, limit: SIMILAR_MAX });
  return rows.map((row) => ({
    id: toId(Number(row.id)),
    title: row.title,
    answerCount: Number(row.answer_count),
    score: Number(row.score),
    hasAcceptedAnswer: row.accepted_answer_id !== null,
    closed: row.closed_at !== null,
  }));
}
