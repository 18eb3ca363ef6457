import {
  type QuestionSearchHit,
  type QuestionSummaryRow,
  questionSummariesByIds,
  searchQuestionIds,
} from '@devflow/db';
import type { ApiDeps } from '../../deps';
import { decodeCursor, rankIdCursor, toPage } from '../../platform/pagination';
import { EXCERPT_SOURCE_CHARS } from '../posts/posts';
import { tagsOfPage } from '../tag/service';
import { toQuestionSummary } from './view';

/**
 * `question.search`: ranked full-text search over live questions (see `searchQuestionIds` in
 * `packages/db/src/queries/question-search.ts`), paginated by the keyset `(rank, id)`; the page's
 * summaries and their tags are read by primary key, one query each.
 */
export async function searchQuestions(
  deps: Pick<ApiDeps, 'db'>,
  params: { q: string; cursor?: string | null | undefined; limit: number },
) {
  const after = params.cursor ? decodeCursor(params.cursor, rankIdCursor) : null;
  const hits = await searchQuestionIds(deps.db, { q: params.q, after, limit: params.limit + 1 });
  const ids = hits.map((hit) => hit.id);
  const rows = await questionSummariesByIds(deps.db, { ids, htmlChars: EXCERPT_SOURCE_CHARS });
  const tagMap = await tagsOfPage(
    deps.db,
    rows.map((row) => row.id),
  );
  return toSearchPage(hits, rows, tagMap, params.limit);
}

/**
 * A search page from its ranked hits (up to `limit + 1`), their summary rows (any order) and their tags:
 * the hits' order, hits without a row left out, the cursor `(rank, id)` of the last shown hit. Exported
 * so the bench's bare twin shapes its rows alike (bench/queries-search.ts).
 */
export function toSearchPage(
  hits: QuestionSearchHit[],
  rows: QuestionSummaryRow[],
  tagMap: Map<number, string[]>,
  limit: number,
) {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const ranked = hits.flatMap((hit) => {
    const row = byId.get(hit.id);
    return row ? [{ hit, row }] : [];
  });
  return toPage(
    ranked,
    limit,
    ({ row }) => toQuestionSummary(row, tagMap.get(row.id) ?? []),
    ({ hit }) => [hit.rank, hit.id],
  );
}
