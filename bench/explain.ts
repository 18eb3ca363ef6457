import { feedStatement } from '@devflow/db/queries/feed';
import type postgres from 'postgres';
import { render, type SqlParam } from './render';
import { threadCteQuery } from './thread';

/** One scenario's main statement and its `EXPLAIN (ANALYZE, BUFFERS)` output. */
export type Plan = { scenario: string; statement: string; plan: string };

type Params = {
  hotId: number;
  page1000: { at: string; id: number } | null;
  feedUserId: string | null;
  /** Questions whose threads are explained (the side thread, then the big one). */
  threadQuestions: number[];
};

const summary = `q.id, q.title, substr(q.body_html, 1, 2000), q.created_at, q.last_activity_at, q.likes, q.dislikes,
  q.score, q.answer_count, q.view_count, q.accepted_answer_id, u.id, u.username, u.display_name, u.avatar_url`;

/** The statements each scenario is decided by, as the services issue them (see bench/queries.ts). */
type Statement = { scenario: string; text: string; params: SqlParam[] };

function statements(p: Params): Statement[] {
  const list: Statement[] = [
    {
      scenario: 'question.byId — question row',
      text: `select q.*, u.id, u.username, u.display_name, u.avatar_url from questions q
             inner join users u on u.id = q.author_id where q.id = $1`,
      params: [p.hotId],
    },
    {
      scenario: 'question.byId — answers',
      text: `select a.id, a.body, a.body_html, a.likes, a.dislikes, a.score, a.created_at, u.id, u.username
             from answers a inner join users u on u.id = a.author_id
             where a.question_id = $1 and a.deleted_at is null
             order by a.id = 0 desc, a.score desc, a.id asc`,
      params: [p.hotId],
    },
    {
      scenario: 'question.byId — tags',
      text: `select qt.question_id, t.slug from question_tags qt inner join tags t on t.id = qt.tag_id
             where qt.question_id in ($1) order by t.slug`,
      params: [p.hotId],
    },
    {
      scenario: 'question.list page 1 (newest)',
      text: `select ${summary} from questions q inner join users u on u.id = q.author_id
             where q.deleted_at is null order by q.created_at desc, q.id desc limit 21`,
      params: [],
    },
    {
      scenario: 'question.list page 1000 (OFFSET, baseline)',
      text: `select ${summary} from questions q inner join users u on u.id = q.author_id
             where q.deleted_at is null order by q.created_at desc, q.id desc limit 21 offset 19980`,
      params: [],
    },
    {
      scenario: 'question.search',
      text: `select ranked.id, ranked.rank from (
               select q.id, ((case when ts_filter(q.search_vector, '{a}') @@ query then 1 else 0 end)
                 + ts_rank_cd(q.search_vector, query, 32))::float8 as rank
               from questions q, websearch_to_tsquery('english', $1) query
               where q.search_vector @@ query and q.deleted_at is null) ranked
             order by ranked.rank desc, ranked.id desc limit 21`,
      params: ['postgres index'],
    },
    ...p.threadQuestions.map((id) => ({
      scenario: `reply.thread (question ${id}; loadThread, anonymous)`,
      ...threadCteQuery({ type: 'question', id }),
    })),
    {
      scenario: 'reaction.set (upsert, rolled back)',
      text: `insert into reactions (user_id, target_type, target_id, value) values (1, 'question', $1, 1)
             on conflict (user_id, target_type, target_id) do update set value = excluded.value`,
      params: [p.hotId],
    },
    {
      scenario: 'answer.create (insert, rolled back)',
      text: `insert into answers (question_id, author_id, body, body_html) values ($1, 1, 'x', '<p>x</p>')`,
      params: [p.hotId],
    },
    {
      scenario: 'auth.login — user by username',
      text: `select * from users where lower(username) = lower($1)`,
      params: ['user42'],
    },
  ];
  if (p.page1000) {
    list.splice(5, 0, {
      scenario: 'question.list page 1000 (keyset)',
      text: `select ${summary} from questions q inner join users u on u.id = q.author_id
             where q.deleted_at is null and (q.created_at, q.id) < ($1::timestamptz, $2)
             order by q.created_at desc, q.id desc limit 21`,
      params: [p.page1000.at, p.page1000.id],
    });
  }
  if (p.feedUserId) {
    list.push({
      scenario: 'feed.list (follows 1,000; loadFeed, first page)',
      ...render(feedStatement({ userId: Number(p.feedUserId), cursor: null, limit: 21 })),
    });
  }
  return list;
}

class Rollback extends Error {}

/** Runs `EXPLAIN (ANALYZE, BUFFERS)` for every scenario's main statement; writes are rolled back. */
export async function explainAll(sql: postgres.Sql, params: Params): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const s of statements(params)) {
    const explain = `explain (analyze, buffers) ${s.text}`;
    let rows: { 'QUERY PLAN': string }[] = [];
    try {
      await sql.begin(async (tx) => {
        await tx`set local jit = off`;
        rows = (await tx.unsafe(explain, s.params)) as unknown as { 'QUERY PLAN': string }[];
        throw new Rollback();
      });
    } catch (error) {
      if (!(error instanceof Rollback)) rows = [{ 'QUERY PLAN': `failed: ${String(error)}` }];
    }
    plans.push({
      scenario: s.scenario,
      statement: s.text.replace(/\s+/g, ' ').trim(),
      plan: rows.map((r) => r['QUERY PLAN']).join('\n'),
    });
  }
  return plans;
}
