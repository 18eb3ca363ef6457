import { type Placeholder, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import { type DbNumber, type DbTime, isoMicros } from './rows';
import { liveAlias } from './visibility';

/** The position after which the next feed page starts: the last item's (createdAt, type, id). */
export type FeedCursor = { createdAt: string; type: 'question' | 'answer'; id: number };

/** One feed item as `loadFeed` returns it. */
export type FeedRow = {
  type: 'question' | 'answer';
  id: DbNumber;
  question_id: DbNumber;
  title: string;
  body_head: string;
  created_at: DbTime;
  /** `created_at` as ISO with microseconds, for an exact keyset cursor. */
  cursor_at: string;
  score: number;
  answer_count: number | null;
  author_id: DbNumber;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
};

/**
 * Where feed items come from: people the user follows, new questions in tags they watch, new answers on
 * questions they watch, or all three (each post once).
 */
export type FeedSource = 'all' | 'people' | 'tags' | 'questions';

/** What `loadFeed` reads: whose feed, from where, and how many items (`source` defaults to `people`). */
export type LoadFeedParams = {
  userId: number;
  cursor: FeedCursor | null;
  limit: number;
  source?: FeedSource;
};

/** `LoadFeedParams` whose user may also be a placeholder (a statement rendered once). */
export type FeedStatementParams = Omit<LoadFeedParams, 'userId'> & { userId: number | Placeholder };

/** Keyset condition for one post table: rows strictly after the cursor in (created_at, type, id) desc. */
function after(type: 'question' | 'answer', alias: 'q' | 'a', cursor: FeedCursor | null) {
  if (!cursor) return sql`true`;
  const createdAt = sql.raw(`${alias}.created_at`);
  const id = sql.raw(`${alias}.id`);
  const at = sql`${cursor.createdAt}::timestamptz`;
  // Within one timestamp 'question' sorts before 'answer' (type desc).
  if (type === cursor.type) return sql`(${createdAt}, ${id}) < (${at}, ${cursor.id})`;
  if (type < cursor.type) return sql`${createdAt} <= ${at}`;
  return sql`${createdAt} < ${at}`;
}

/** Live questions by one followee `m.followee_id`, after the cursor, newest first (questions_author_idx). */
function questionsOf(cursor: FeedCursor | null) {
  return sql`select q.id, q.created_at from questions q
    where q.author_id = m.followee_id and ${liveAlias('q')} and ${after('question', 'q', cursor)}`;
}

/** Live answers (of live questions) by one followee, after the cursor (answers_author_idx). */
function answersOf(cursor: FeedCursor | null) {
  return sql`select a.id, a.created_at from answers a
    join questions aq on aq.id = a.question_id
    where a.author_id = m.followee_id and ${liveAlias('a')} and ${liveAlias('aq')}
      and ${after('answer', 'a', cursor)}`;
}

/**
 * The newest questions and answers (not deleted, nor answers of deleted questions) by the users
 * `userId` follows, after `cursor`, ordered by (created_at desc, type desc, id desc); `limit` rows.
 *
 * Plan (checked with EXPLAIN ANALYZE on PostgreSQL: 1,000 followees with 100k posts, 2,000 authors):
 * 1. `mine`: the followees, from the `follows` primary key (follower_id, followee_id).
 * 2. `bound`: for each followee a LATERAL `LIMIT 1` probe of `questions_author_idx` (author_id,
 *    created_at desc, id desc) and of `answers_author_idx` gives their newest post; the `limit`-th newest
 *    of those is a time `T` with at least `limit` posts at or after it, so no post older than `T` can be
 *    on the page (no row when fewer posts exist: then no bound).
 * 3. `keys`: per followee, the same indexes again, newest first from the cursor down to `T`, at most
 *    `limit` rows each (Limit → Index Scan, no sort); UNION ALL of both, top-N heapsort to `limit`.
 *    The per-author limit bounds the worst case to followees × limit entries; `T` makes the usual case
 *    read only the few posts near the top (≈ 2 index probes per followee).
 * 4. Titles, bodies and authors are joined by primary key for the page only.
 * The bound makes a page read several times fewer buffers than the per-author limit alone; the bench
 * explains this statement on its data set (bench/RESULTS.md, "feed.list").
 *
 * With `source` `tags`, `questions` or `all`, the watched sources join: new questions of others in
 * watched tags and new answers of others on watched questions, each at most `limit` rows after the
 * cursor; `union` (not `union all`) keeps a post reached two ways once.
 */
export async function loadFeed(db: Executor, params: LoadFeedParams): Promise<FeedRow[]> {
  return queryRows<FeedRow>(db, feedStatement(params));
}

/**
 * The one statement `loadFeed` runs (see there for its plan). Exported so that the bench explains this
 * very SQL text (bench/explain.ts) rather than a copy of it, and its bare twin of `feed.list` sends it
 * (bench/queries-feed.ts).
 */
export function feedStatement(params: FeedStatementParams): SQL {
  const { userId, cursor, limit } = params;
  const source = params.source ?? 'people';
  const parts: SQL[] = [];
  if (source === 'all' || source === 'people') parts.push(sql`select * from people`);
  if (source === 'all' || source === 'tags')
    parts.push(sql`select * from ${tagQuestions(userId, cursor, limit)} t`);
  if (source === 'all' || source === 'questions')
    parts.push(sql`select * from ${watchedAnswers(userId, cursor, limit)} w`);
  const usesPeople = source === 'all' || source === 'people';
  return sql`
      with ${usesPeople ? sql`${peopleCtes(userId, cursor, limit)},` : sql``}
      keys as (
        ${sql.join(parts, sql` union `)}
        order by created_at desc, type desc, id desc
        limit ${limit}
      )
      select
        k.type, k.id, k.created_at,
        ${isoMicros(sql.raw('k.created_at'))} as cursor_at,
        qq.id as question_id, qq.title,
        left(coalesce(q.body_html, a.body_html), 2000) as body_head,
        coalesce(q.score, a.score) as score,
        q.answer_count,
        u.id as author_id, u.username, u.display_name, u.avatar_url
      from keys k
      left join questions q on k.type = 'question' and q.id = k.id
      left join answers a on k.type = 'answer' and a.id = k.id
      join questions qq on qq.id = coalesce(q.id, a.question_id)
      join users u on u.id = coalesce(q.author_id, a.author_id)
      order by k.created_at desc, k.type desc, k.id desc
    `;
}

/**
 * Live questions of others carrying a tag `userId` watches, after the cursor, newest first: per watched
 * tag (`tag_watches` primary key) its questions (`question_tags_tag_idx`), each question once.
 */
function tagQuestions(userId: number | Placeholder, cursor: FeedCursor | null, limit: number): SQL {
  return sql`(
    select distinct 'question'::text as type, q.id, q.created_at
    from tag_watches w
    join question_tags qt on qt.tag_id = w.tag_id
    join questions q on q.id = qt.question_id
    where w.user_id = ${userId} and q.author_id <> ${userId} and ${liveAlias('q')}
      and ${after('question', 'q', cursor)}
    order by q.created_at desc, q.id desc
    limit ${limit}
  )`;
}

/**
 * Live answers by others on live questions `userId` watches, after the cursor, newest first
 * (`question_watches` primary key, then `answers_question_idx`).
 */
function watchedAnswers(userId: number | Placeholder, cursor: FeedCursor | null, limit: number): SQL {
  return sql`(
    select 'answer'::text as type, a.id, a.created_at
    from question_watches w
    join questions wq on wq.id = w.question_id and ${liveAlias('wq')}
    join answers a on a.question_id = w.question_id
    where w.user_id = ${userId} and a.author_id <> ${userId} and ${liveAlias('a')}
      and ${after('answer', 'a', cursor)}
    order by a.created_at desc, a.id desc
    limit ${limit}
  )`;
}

/** The CTEs of the followed people's posts (the plan described at `loadFeed`), ending in `people`. */
function peopleCtes(userId: number | Placeholder, cursor: FeedCursor | null, limit: number): SQL {
  return sql`
      mine as (
        select followee_id from follows where follower_id = ${userId}
      ),
      newest as (
        select q.created_at from mine m
        cross join lateral (${questionsOf(cursor)} order by q.created_at desc, q.id desc limit 1) q
        union all
        select a.created_at from mine m
        cross join lateral (${answersOf(cursor)} order by a.created_at desc, a.id desc limit 1) a
      ),
      bound as (
        select created_at as t from newest order by created_at desc offset ${limit - 1} limit 1
      ),
      people as (
        (
          select 'question'::text as type, q.id, q.created_at
          from mine m
          cross join lateral (
            ${questionsOf(cursor)}
              and q.created_at >= coalesce((select t from bound), '-infinity')
            order by q.created_at desc, q.id desc
            limit ${limit}
          ) q
        )
        union all
        (
          select 'answer'::text as type, a.id, a.created_at
          from mine m
          cross join lateral (
            ${answersOf(cursor)}
              and a.created_at >= coalesce((select t from bound), '-infinity')
            order by a.created_at desc, a.id desc
            limit ${limit}
          ) a
        )
        order by created_at desc, type desc, id desc
        limit ${limit}
      )`;
}
