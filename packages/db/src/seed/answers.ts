import { sql } from 'drizzle-orm';
import { pick, randomId, skewedId } from './random';
import type { SeedRun } from './run';
import { ANSWERS, SENTENCES } from './text';

/**
 * Answers by random authors that cluster on some questions (skewed to the older ones), so others stay
 * unanswered; each is written one to 73 hours after its question.
 */
export function seedAnswers(run: SeedRun): Promise<void> {
  const { users, questions } = run.plan;
  return run.inChunks(
    'answers',
    run.plan.answers,
    (from, to) => sql`
      insert into answers (id, question_id, author_id, body, body_html, created_at, updated_at)
      overriding system value
      select a.g, q.id, ${randomId(users)}, a.body, '<p>' || a.body || '</p>', t.at, t.at
      from (
        select g, ${skewedId(questions, 1.6)} as question_id,
          ${pick(ANSWERS)} || ' ' || ${pick(SENTENCES)} as body, random() as r
        from generate_series(${from}::bigint, ${to}::bigint) g
      ) a
      join questions q on q.id = a.question_id
      cross join lateral (select q.created_at + (1 + a.r * 72) * interval '1 hour' as at) t`,
  );
}

/** Each answer's first revision; answer revisions are numbered after the questions'. */
export function seedAnswerRevisions(run: SeedRun): Promise<void> {
  const { questions } = run.plan;
  return run.inChunks(
    'answer revisions',
    run.plan.answers,
    (from, to) => sql`
      insert into revisions (id, target_type, target_id, editor_id, body, created_at)
      overriding system value
      select ${questions}::bigint + a.id, 'answer', a.id, a.author_id, a.body, a.created_at
      from answers a where a.id between ${from} and ${to}`,
  );
}
