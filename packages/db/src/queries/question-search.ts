import { type Placeholder, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import { liveAlias } from './visibility';

/** One ranked hit: the question id and its rank (the keyset cursor is `(rank, id)`). */
export type QuestionSearchHit = { id: number; rank: number };

/** Parameters of a search page: the text, the keyset `(rank, id)` of the previous page's last hit. */
export type QuestionSearchParams = { q: string; after: [number, number] | null; limit: number };

/** `QuestionSearchParams` whose text and limit may also be placeholders (a statement rendered once). */
export type QuestionSearchStatementParams = Omit<QuestionSearchParams, 'q' | 'limit'> & {
  q: string | Placeholder;
  limit: number | Placeholder;
};

/** One row of `searchQuestionsSql` as either driver returns it. */
export type QuestionSearchRow = { id: number | string; rank: number | string };

/** A row of `searchQuestionsSql` as a hit (exported so the bench's bare twin reads hits alike, bench/queries-search.ts). */
export function toSearchHit(row: QuestionSearchRow): QuestionSearchHit {
  return { id: Number(row.id), rank: Number(row.rank) };
}

/**
 * Full-text search over live questions, best first.
 *
 * - Input: `websearch_to_tsquery('english', q)` reads any text safely — quotes make phrases, `or` and a
 *   leading `-` are the only operators, and `&`, `|`, `!`, `:*`, `()`, `<->` are plain punctuation, so
 *   user input never raises a syntax error. Text with no searchable word (only stop words or symbols)
 *   gives an empty query, which matches nothing.
 * - Match: `search_vector @@ query` is answered by the GIN index `questions_search_idx` on the generated
 *   weighted vector (title weight A, body weight B); deleted questions are filtered out of the hits.
 * - Ranking: a question whose title matches (`ts_filter(vector, '{a}')`, the A-weighted lexemes) always
 *   ranks above body-only matches (+1), then by `ts_rank_cd` normalized to 0..1 (flag 32), so the rank is
 *   one float8 and the order is `rank desc, id desc` — a total order, which the keyset cursor
 *   `(rank, id)` continues exactly (float8 round-trips through JSON unchanged).
 * Only matched rows are ranked and sorted; no index can order by rank, which is fine because the GIN
 * index narrows the rows first. Identical on PostgreSQL and PGlite.
 */
export async function searchQuestionIds(
  db: Executor,
  params: QuestionSearchParams,
): Promise<QuestionSearchHit[]> {
  const rows = await queryRows<QuestionSearchRow>(db, searchQuestionsSql(params));
  return rows.map(toSearchHit);
}

/**
 * The SQL of `searchQuestionIds` (exported so tests can EXPLAIN exactly what runs, and so the bench's
 * bare twin sends this very statement, bench/queries-search.ts).
 */
export function searchQuestionsSql(params: QuestionSearchStatementParams): SQL {
  const after = params.after;
  return sql`
      select ranked.id, ranked.rank from (
        select q.id,
          ((case when ts_filter(q.search_vector, '{a}') @@ query then 1 else 0 end)
            + ts_rank_cd(q.search_vector, query, 32))::float8 as rank
        from questions q, websearch_to_tsquery('english', ${params.q}) query
        where q.search_vector @@ query and ${liveAlias('q')}
      ) ranked
      ${after ? sql`where (ranked.rank, ranked.id) < (${after[0]}::float8, ${after[1]}::bigint)` : sql``}
      order by ranked.rank desc, ranked.id desc
      limit ${params.limit}
    `;
}
