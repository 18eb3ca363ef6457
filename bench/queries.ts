/**
 * The SQL the procedures run, written out for postgres.js: the bare baseline server executes it, and
 * the report shows its `EXPLAIN ANALYZE`. Kept statement for statement in step with the services
 * (packages/api/src/domains/question/service.ts); the shapers produce the procedures' JSON. Reply threads and
 * their naive loaders live in `thread.ts`.
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
