/**
 * The SQL the procedures run, written out for postgres.js: the bare baseline server executes it, and
 * the report shows its `EXPLAIN ANALYZE`. Kept statement for statement in step with the services
 * (packages/api/src/services/question.ts, reply.ts); the shapers produce the procedures' JSON.
 */
import type postgres from 'postgres';

type Sql = postgres.Sql;

/** A question row joined with its author, as `question.byId` reads it. */
export type QuestionRow = {
  id: string;
  author_id: string;
  title: string;
  body: string;
  body_html: string;
  likes: number;
  dislikes: number;
  score: number;
  answer_count: number;
  view_count: number;
  accepted_answer_id: string | null;
  created_at: Date;
  updated_at: Date;
  last_activity_at: Date;
  deleted_at: Date | null;
  u_id: string;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
};

const authorOf = (row: {
  u_id: string;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
}) => ({
  id: row.u_id,
  username: row.username,
  displayName: row.display_name,
  avatarUrl: row.avatar_url,
});

/** The question row by primary key (the prepared `question_by_id` of the service). */
export function questionRowSql(sql: Sql, id: number) {
  return sql<QuestionRow[]>`
    select q.id, q.author_id, q.title, q.body, q.body_html, q.likes, q.dislikes, q.score, q.answer_count,
           q.view_count, q.accepted_answer_id, q.created_at, q.updated_at, q.last_activity_at, q.deleted_at,
           u.id as u_id, u.username, u.display_name, u.avatar_url
    from questions q inner join users u on u.id = q.author_id
    where q.id = ${id}`;
}

/** Counts one view. */
export function viewSql(sql: Sql, id: number) {
  return sql`update questions set view_count = view_count + 1 where id = ${id}`;
}

/** Tags of some questions, by slug. */
export function tagsSql(sql: Sql, ids: number[]) {
  return sql<{ question_id: string; slug: string }[]>`
    select qt.question_id, t.slug from question_tags qt inner join tags t on t.id = qt.tag_id
    where qt.question_id = any(${ids}::bigint[]) order by t.slug`;
}

/** An answer row joined with its author. */
export type AnswerRow = {
  id: string;
  question_id: string;
  body: string;
  body_html: string;
  likes: number;
  dislikes: number;
  score: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  u_id: string;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
};

/** Live answers of a question: accepted first, then score, then oldest. */
export function answersSql(sql: Sql, questionId: number, acceptedId: string | null) {
  return sql<AnswerRow[]>`
    select a.id, a.question_id, a.body, a.body_html, a.likes, a.dislikes, a.score, a.created_at,
           a.updated_at, a.deleted_at, u.id as u_id, u.username, u.display_name, u.avatar_url
    from answers a inner join users u on u.id = a.author_id
    where a.question_id = ${questionId} and a.deleted_at is null
    order by a.id = ${Number(acceptedId ?? 0)} desc, a.score desc, a.id asc`;
}

/** The question JSON of `question.byId` (anonymous viewer). */
export function toQuestion(row: QuestionRow, tags: string[]) {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    bodyHtml: row.body_html,
    tags,
    author: authorOf(row),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastActivityAt: row.last_activity_at.toISOString(),
    likes: row.likes,
    dislikes: row.dislikes,
    score: row.score,
    answerCount: row.answer_count,
    viewCount: row.view_count,
    acceptedAnswerId: row.accepted_answer_id,
    myReaction: null,
    deleted: row.deleted_at !== null,
  };
}

/** The answer JSON inside `question.byId`. */
export function toAnswer(row: AnswerRow, acceptedId: string | null) {
  return {
    id: row.id,
    questionId: row.question_id,
    body: row.body,
    bodyHtml: row.body_html,
    author: authorOf(row),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    likes: row.likes,
    dislikes: row.dislikes,
    score: row.score,
    accepted: row.id === acceptedId,
    myReaction: null,
    deleted: row.deleted_at !== null,
  };
}

/** A summary row of `question.list`. */
export type SummaryRow = {
  id: string;
  title: string;
  html_start: string;
  created_at: Date;
  last_activity_at: Date;
  likes: number;
  dislikes: number;
  score: number;
  answer_count: number;
  view_count: number;
  accepted_answer_id: string | null;
  u_id: string;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
};

const summaryColumns = `q.id, q.title, substr(q.body_html, 1, 2000) as html_start, q.created_at, q.last_activity_at,
  q.likes, q.dislikes, q.score, q.answer_count, q.view_count, q.accepted_answer_id,
  u.id as u_id, u.username, u.display_name, u.avatar_url`;

/** Newest live questions from `offset` on (OFFSET pagination: reads and discards `offset` rows). */
export function listOffsetSql(sql: Sql, offset: number, limit: number) {
  return sql<SummaryRow[]>`
    select ${sql.unsafe(summaryColumns)}
    from questions q inner join users u on u.id = q.author_id
    where q.deleted_at is null
    order by q.created_at desc, q.id desc
    limit ${limit} offset ${offset}`;
}

/** Newest live questions strictly after `(at, id)` (keyset pagination: walks the index from there). */
export function listKeysetSql(sql: Sql, at: string, id: number, limit: number) {
  return sql<SummaryRow[]>`
    select ${sql.unsafe(summaryColumns)}
    from questions q inner join users u on u.id = q.author_id
    where q.deleted_at is null and (q.created_at, q.id) < (${at}::timestamptz, ${id})
    order by q.created_at desc, q.id desc
    limit ${limit}`;
}

/** A list item (`questionSummary`); the excerpt is the text start of the body. */
export function toSummary(row: SummaryRow, tags: string[]) {
  const text = row.html_start
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return {
    id: row.id,
    title: row.title,
    excerpt: text.length > 200 ? `${text.slice(0, 200)}…` : text,
    tags,
    author: authorOf(row),
    createdAt: row.created_at.toISOString(),
    lastActivityAt: row.last_activity_at.toISOString(),
    likes: row.likes,
    dislikes: row.dislikes,
    score: row.score,
    answerCount: row.answer_count,
    viewCount: row.view_count,
    hasAcceptedAnswer: row.accepted_answer_id !== null,
  };
}

/** A reply row joined with its author. */
export type ThreadRow = {
  id: string;
  parent_id: string | null;
  depth: number;
  body: string;
  likes: number;
  dislikes: number;
  score: number;
  created_at: Date;
  deleted_at: Date | null;
  u_id: string;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
};

const replyColumns = `r.id, r.parent_id, r.depth, r.body, r.likes, r.dislikes, r.score, r.created_at, r.deleted_at,
  u.id as u_id, u.username, u.display_name, u.avatar_url`;

/** Levels and nodes `reply.thread` returns at most (schemas/reply.ts). */
export const THREAD_MAX_DEPTH = 1000;
/** Node cap of one `reply.thread` response. */
export const THREAD_MAX_NODES = 10_000;

/**
 * The statement of `loadThread` (packages/db/src/queries/reply.ts) for an anonymous viewer: the whole
 * thread in one recursive CTE (a LATERAL probe of `replies_parent_idx` per node), depth-first by path,
 * capped at `THREAD_MAX_NODES + 1` rows, bodies and authors joined for the page only.
 */
export function threadCteSql(sql: Sql, type: string, targetId: number) {
  return sql<ThreadRow[]>`
    with recursive tree (id, lvl, path) as (
      select r.id, 1, array[r.id]
      from replies r
      where r.target_type = ${type}::reply_target and r.target_id = ${targetId} and r.parent_id is null
      union all
      select c.id, t.lvl + 1, t.path || c.id
      from tree t
      cross join lateral (select k.id from replies k where k.parent_id = t.id offset 0) c
      where t.lvl < ${THREAD_MAX_DEPTH}
    ),
    page as (
      select id, lvl, path, count(*) over () as total from tree order by path limit ${THREAD_MAX_NODES + 1}
    )
    select ${sql.unsafe(replyColumns)}
    from page p join replies r on r.id = p.id join users u on u.id = r.author_id
    order by p.path`;
}

/** The top-level replies of a target (first query of the naive strategies). */
export function threadRootsSql(sql: Sql, type: string, targetId: number) {
  return sql<ThreadRow[]>`
    select ${sql.unsafe(replyColumns)} from replies r inner join users u on u.id = r.author_id
    where r.target_type = ${type}::reply_target and r.target_id = ${targetId} and r.parent_id is null
    order by r.id`;
}

/** The children of some replies (one level). */
export function threadLevelSql(sql: Sql, parentIds: string[]) {
  return sql<ThreadRow[]>`
    select ${sql.unsafe(replyColumns)} from replies r inner join users u on u.id = r.author_id
    where r.parent_id = any(${parentIds}::bigint[])
    order by r.id`;
}

/** A reply node of `reply.thread`. */
export type TreeNode = {
  id: string;
  parentId: string | null;
  depth: number;
  body: string;
  author: ReturnType<typeof authorOf>;
  likes: number;
  dislikes: number;
  score: number;
  createdAt: string;
  deleted: boolean;
  children: TreeNode[];
};

/**
 * Orders rows loaded level by level the way `loadThread` does (depth-first, siblings oldest first) and
 * keeps the first `THREAD_MAX_NODES`: what a naive loader must do to answer the same page.
 */
export function depthFirst(rows: ThreadRow[]): ThreadRow[] {
  const children = new Map<string | null, ThreadRow[]>();
  for (const row of rows) {
    const key = row.parent_id;
    const list = children.get(key);
    if (list) list.push(row);
    else children.set(key, [row]);
  }
  const ordered: ThreadRow[] = [];
  const stack = [...(children.get(null) ?? [])].reverse();
  while (stack.length > 0 && ordered.length < THREAD_MAX_NODES) {
    const row = stack.pop();
    if (!row) break;
    ordered.push(row);
    stack.push(...[...(children.get(row.id) ?? [])].reverse());
  }
  return ordered;
}

/** Nests flat rows (parents before children) into the tree `reply.thread` returns. */
export function toTree(rows: ThreadRow[]): TreeNode[] {
  const byId = new Map<string, TreeNode>();
  const roots: TreeNode[] = [];
  for (const row of rows) {
    const node: TreeNode = {
      id: row.id,
      parentId: row.parent_id,
      depth: row.depth,
      body: row.deleted_at ? '' : row.body,
      author: authorOf(row),
      likes: row.likes,
      dislikes: row.dislikes,
      score: row.score,
      createdAt: row.created_at.toISOString(),
      deleted: row.deleted_at !== null,
      children: [],
    };
    byId.set(node.id, node);
    const parent = row.parent_id ? byId.get(row.parent_id) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
