import { type Executor, queryRows } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';

/** Every kind of post: questions, answers and replies. */
export type PostType = 'question' | 'answer' | 'reply';

/** What social features need to know about a post. */
export type PostRef = {
  authorId: number;
  /** The question the post belongs to (a question's own id); null only for a reply on a missing target. */
  questionId: number | null;
  /** Deleted itself, or (for an answer) its question is deleted. */
  deleted: boolean;
  likes: number;
  dislikes: number;
  score: number;
};

type PostRow = {
  author_id: number | string;
  question_id: number | string | null;
  deleted: boolean;
  likes: number;
  dislikes: number;
  score: number;
};

/**
 * Reads a post by type and id, or null when it does not exist. With `lock`, the post's row is locked
 * (`FOR UPDATE OF` the post's own table) until the transaction ends: reactions take this lock first, so
 * every change to one post's reactions and counters runs one at a time, always in the same lock order.
 */
export async function findPost(
  db: Executor,
  type: PostType,
  id: number,
  options: { lock?: boolean } = {},
): Promise<PostRef | null> {
  const query =
    type === 'question'
      ? sql`select q.author_id, q.id as question_id, q.deleted_at is not null as deleted, q.likes, q.dislikes, q.score
            from questions q where q.id = ${id}`
      : type === 'answer'
        ? sql`select a.author_id, a.question_id, (a.deleted_at is not null or q.deleted_at is not null) as deleted,
                a.likes, a.dislikes, a.score
              from answers a join questions q on q.id = a.question_id where a.id = ${id}`
        : sql`select r.author_id,
                case when r.target_type = 'question' then r.target_id
                  else (select a.question_id from answers a where a.id = r.target_id) end as question_id,
                r.deleted_at is not null as deleted, r.likes, r.dislikes, r.score
              from replies r where r.id = ${id}`;
  const lockClause =
    type === 'question'
      ? sql` for update of q`
      : type === 'answer'
        ? sql` for update of a`
        : sql` for update of r`;
  const [row] = await queryRows<PostRow>(db, options.lock ? sql`${query}${lockClause}` : query);
  if (!row) return null;
  return {
    authorId: Number(row.author_id),
    questionId: row.question_id === null ? null : Number(row.question_id),
    deleted: row.deleted,
    likes: Number(row.likes),
    dislikes: Number(row.dislikes),
    score: Number(row.score),
  };
}

/** The message of a missing post. */
export function postNotFound(type: PostType): TRPCError {
  const label = type === 'question' ? 'question' : type === 'answer' ? 'answer' : 'reply';
  return new TRPCError({ code: 'NOT_FOUND', message: `That ${label} does not exist or was deleted.` });
}

/** Reads a live post (not deleted) or throws NOT_FOUND. */
export async function requireLivePost(
  db: Executor,
  type: PostType,
  id: number,
  options: { lock?: boolean } = {},
): Promise<PostRef> {
  const post = await findPost(db, type, id, options);
  if (!post || post.deleted) throw postNotFound(type);
  return post;
}
