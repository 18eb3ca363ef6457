/**
 * The bare baseline's twin of `question.search` (bench/queries.ts has the others): the service's three
 * statements — the ranked hits, their summaries by id, their tags — rendered once from `@devflow/db`
 * and bound per request, the page shaped by the service's own `toSearchPage`.
 */
import { EXCERPT_SOURCE_CHARS, toSearchPage } from '@devflow/api';
import {
  type QuestionSearchRow,
  type QuestionSummaryRow,
  questionSummariesByIdsQuery,
  searchQuestionsSql,
  statementsOnly,
  toSearchHit,
} from '@devflow/db';
import { fillPlaceholders, sql } from 'drizzle-orm';
import { listColumns, type RunRows, type RunValues, rowsOf, tagsByQuestion, template } from './queries';
import { renderTemplate } from './render';

/** `searchQuestionIds`'s statement for a first page, its text and its limit placeholders. */
const hitsStatement = renderTemplate(
  searchQuestionsSql({ q: sql.placeholder('q'), after: null, limit: sql.placeholder('limit') }),
);

const summariesOfIds = template(
  questionSummariesByIdsQuery(statementsOnly, sql.placeholder('ids'), EXCERPT_SOURCE_CHARS),
  listColumns,
);

/**
 * `question.search`'s first page for `input` (as the procedure's input schema parsed it: trimmed text,
 * the limit): the hits (`limit + 1`), then — when there are any — their summaries and the summaries' tags,
 * each statement only when the service sends it. `rows` runs the hits' raw statement (named columns),
 * `values` the builders' statements.
 */
export async function searchFirst(values: RunValues, rows: RunRows, input: { q: string; limit: number }) {
  const hits = (
    await rows<QuestionSearchRow>(
      hitsStatement.sql,
      fillPlaceholders(hitsStatement.params, { q: input.q, limit: input.limit + 1 }),
    )
  ).map(toSearchHit);
  let summaries: QuestionSummaryRow[] = [];
  if (hits.length > 0) {
    summaries = await rowsOf<QuestionSummaryRow>(values, summariesOfIds, { ids: hits.map((hit) => hit.id) });
  }
  const tags = await tagsByQuestion(
    values,
    summaries.map((row) => row.id),
  );
  return toSearchPage(hits, summaries, tags, input.limit);
}
