import { eq, type Placeholder, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import { users } from '../schema';
import { authorColumns, type DbNumber } from './rows';
import { liveAlias } from './visibility';

/** A user as shown next to a post (`authorColumns`), or undefined when the account is gone. */
export async function findAuthor(db: Executor, userId: number) {
  const [row] = await db.select(authorColumns).from(users).where(eq(users.id, userId));
  return row;
}

/** Every kind of post: questions, answers and replies. */
export type PostType = 'question' | 'answer' | 'reply';

/**
 * SQL that is true when the post a reply hangs from is not live: its question is deleted, or its answer
 * or that answer's question is (or the post is gone). A reply is exactly as visible as that post — an
 * answer under a deleted question, likewise, as its question — so for everyone but moderators such a reply
 * is NOT_FOUND with the missing reply's message in every procedure that touches it (update, delete,
 * replying to it, reacting to it, notifications linking to it). Two primary-key probes.
 */
export function replyPostHidden(reply: { targetType: SQLWrapper; targetId: SQLWrapper }): SQL<boolean> {
  return sql<boolean>`not (case when ${reply.targetType} = 'question'
    then exists (select 1 from questions hq where hq.id = ${reply.targetId} and ${liveAlias('hq')})
    else exists (select 1 from answers ha join questions hq on hq.id = ha.question_id
                 where ha.id = ${reply.targetId} and ${liveAlias('ha')} and ${liveAlias('hq')}) end)`;
}

/** What social features need to know about a post, as `findPost` reads it. */
export type PostRef = {
  authorId: number;
  /** The question the post belongs to (a question's own id); null only for a reply on a missing target. */
  questionId: number | null;
  /**
   * Deleted itself, or hidden with what it hangs from: an answer's question, a reply's question or answer
   * (`replyPostHidden`).
   */
  deleted: boolean;
  likes: number;
  dislikes: number;
  score: number;
};

type PostRow = {
  author_id: DbNumber;
  question_id: DbNumber | null;
  deleted: boolean;
  likes: number;
  dislikes: number;
  score: number;
};

/**
 * Reads a post by type and id, or undefined when it does not exist. With `lock`, the post's row is locked
 * (`FOR UPDATE OF` the post's own table) until the transaction ends: reactions take this lock first, so
 * every change to one post's reactions and counters runs one at a time, always in the same lock order.
 */
export async function findPost(
  db: Executor,
  params: { type: PostType; id: number; lock: boolean },
): Promise<PostRef | undefined> {
  const [row] = await queryRows<PostRow>(db, findPostQuery(params));
  if (!row) return undefined;
  return {
    authorId: Number(row.author_id),
    questionId: row.question_id === null ? null : Number(row.question_id),
    deleted: row.deleted,
    likes: Number(row.likes),
    dislikes: Number(row.dislikes),
    score: Number(row.score),
  };
}

/**
 * The statement of `findPost`; its columns, in order: `author_id`, `question_id`, `deleted`, `likes`,
 * `dislikes`, `score`. Exported so the bench's bare twin sends the very statement (bench/write-twins.ts).
 */
export function findPostQuery(params: { type: PostType; id: number | Placeholder; lock: boolean }): SQL {
  const { type, id } = params;
  const query =
    type === 'question'
      ? sql`select q.author_id, q.id as question_id, not ${liveAlias('q')} as deleted, q.likes, q.dislikes, q.score
            from questions q where q.id = ${id}`
      : type === 'answer'
        ? sql`select a.author_id, a.question_id, (not ${liveAlias('a')} or not ${liveAlias('q')}) as deleted,
                a.likes, a.dislikes, a.score
              from answers a join questions q on q.id = a.question_id where a.id = ${id}`
        : sql`select r.author_id,
                case when r.target_type = 'question' then r.target_id
                  else (select a.question_id from answers a where a.id = r.target_id) end as question_id,
                (not ${liveAlias('r')} or ${replyPostHidden({ targetType: sql`r.target_type`, targetId: sql`r.target_id` })}) as deleted,
                r.likes, r.dislikes, r.score
              from replies r where r.id = ${id}`;
  const lockClause =
    type === 'question'
      ? sql` for update of q`
      : type === 'answer'
        ? sql` for update of a`
        : sql` for update of r`;
  return params.lock ? sql`${query}${lockClause}` : query;
}
