import { sql } from 'drizzle-orm';
import { pick, randomId, words, zipfPick } from './random';
import type { SeedRun } from './run';
import { BODY_VOCABULARY_WORDS, SENTENCES, TAGS, TITLE_PARTS, VOCABULARY, VOCABULARY_SIZE } from './text';

/** The tags of `TAGS`, ids 1…n in that order. */
export function seedTags(run: SeedRun): Promise<void> {
  return run.once(
    TAGS.length,
    sql`
      insert into tags (id, slug, created_at) overriding system value
      select position, slug, now() - interval '400 days'
      from unnest(${words(TAGS)}) with ordinality as t(slug, position)
      on conflict do nothing`,
  );
}

/**
 * Questions by random authors, spread evenly over the last year in id order (question 1 is the oldest),
 * with a made-up title and a body of three sentences and a dozen words of the made-up vocabulary
 * (`VOCABULARY`, drawn with Zipf's law: what search ranks).
 */
export function seedQuestions(run: SeedRun): Promise<void> {
  const { users, questions } = run.plan;
  const { openers, verbs, objects, endings } = TITLE_PARTS;
  return run.inChunks(
    'questions',
    questions,
    (from, to) => sql`
      insert into questions (id, author_id, title, body, body_html, view_count, created_at, updated_at,
                             last_activity_at)
      overriding system value
      select g, author, title, body, '<p>' || body || '</p>', floor(random() * 500)::int, at, at, at
      from (
        select g, ${randomId(users)} as author,
          ${pick(openers)} || ' ' || ${pick(verbs)} || ' ' || ${pick(objects)} || ' ' || ${pick(endings)}
            || ' (#' || g || ')?' as title,
          ${pick(SENTENCES)} || ' ' || ${pick(SENTENCES)} || ' ' || ${pick(SENTENCES)} || ' '
            -- "+ 0 * g" ties the words to the row: PostgreSQL would run an uncorrelated subquery once.
            || (select string_agg(${zipfPick(VOCABULARY, VOCABULARY_SIZE)}, ' ')
                from generate_series(1, ${BODY_VOCABULARY_WORDS} + 0 * g)) as body,
          now() - interval '365 days' + (g::float / ${questions}) * interval '364 days' as at
        from generate_series(${from}::bigint, ${to}::bigint) g
      ) q`,
  );
}

/** One to three tags per question (question g has 1 + g % 3); distinct offsets modulo the tag count keep them distinct. */
export function seedQuestionTags(run: SeedRun): Promise<void> {
  return run.inChunks(
    'question tags',
    run.plan.questions,
    (from, to) => sql`
      insert into question_tags (question_id, tag_id)
      select g, 1 + ((g * 7 + j * 11) % ${TAGS.length})
      from generate_series(${from}::bigint, ${to}::bigint) g, generate_series(0, (g % 3)::int) j
      on conflict do nothing`,
  );
}

/** Each question's first revision (its author, title, body and sorted tags); revision ids equal question ids. */
export function seedQuestionRevisions(run: SeedRun): Promise<void> {
  return run.inChunks(
    'question revisions',
    run.plan.questions,
    (from, to) => sql`
      insert into revisions (id, target_type, target_id, editor_id, title, body, tags, created_at)
      overriding system value
      select q.id, 'question', q.id, q.author_id, q.title, q.body,
        (select array_agg(t.slug order by t.slug)
         from question_tags qt join tags t on t.id = qt.tag_id where qt.question_id = q.id),
        q.created_at
      from questions q where q.id between ${from} and ${to}`,
  );
}
