import { type Executor, queryRows, reactions, revisions, users } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import type { SQL, SQLWrapper } from 'drizzle-orm';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { SessionUser } from '../context';
import { toId, toIso } from '../schemas/common';
import { can } from './policy';

/** Columns of `users` shown next to a post (select them under an `author` key). */
export const authorColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  avatarUrl: users.avatarUrl,
};

/** A user row as the API's `userSummary`. */
export function toUserSummary(row: {
  id: number;
  username: string;
  displayName: string | null;
  avatarUrl: string | null;
}) {
  return { id: toId(row.id), username: row.username, displayName: row.displayName, avatarUrl: row.avatarUrl };
}

/** NOT_FOUND with a sentence naming what is missing: the one message for every kind of post. */
export function notFound(what: PostType): TRPCError {
  return new TRPCError({
    code: 'NOT_FOUND',
    message: `This ${what} does not exist or was deleted.`,
  });
}

/**
 * Whether `actor` may see a post with this `deletedAt`: live posts are public, deleted ones only reach
 * moderators (policy `post.viewDeleted`); everyone else gets NOT_FOUND, as if it never existed.
 */
export function visibleTo(actor: SessionUser | null, deletedAt: Date | null): boolean {
  return deletedAt === null || can(actor, 'post.viewDeleted');
}

/** The caller's reaction to each of `ids` (absent: none). Reads the reactions primary key. */
export async function reactionsOf(
  db: Executor,
  actor: SessionUser | null,
  targetType: 'question' | 'answer',
  ids: number[],
): Promise<Map<number, 'like' | 'dislike'>> {
  const mine = new Map<number, 'like' | 'dislike'>();
  if (!actor || ids.length === 0) return mine;
  const rows = await db
    .select({ targetId: reactions.targetId, value: reactions.value })
    .from(reactions)
    .where(
      and(
        eq(reactions.userId, actor.id),
        eq(reactions.targetType, targetType),
        inArray(reactions.targetId, ids),
      ),
    );
  for (const row of rows) mine.set(row.targetId, row.value > 0 ? 'like' : 'dislike');
  return mine;
}

/** How many characters of rendered HTML an excerpt is read from (lists select no more than this). */
export const EXCERPT_SOURCE_CHARS = 2000;

const EXCERPT_LENGTH = 200;

const entities: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&nbsp;': ' ',
};

/**
 * The inline elements the markdown sanitizer allows (`services/markdown.ts`): text around them runs on
 * ("**batching**." reads "batching."). Every other tag is a block boundary and becomes a space.
 */
const INLINE_TAGS = new Set(['a', 'code', 'em', 'strong', 'del', 's', 'img', 'sup', 'sub', 'kbd']);

/**
 * A plain-text excerpt (at most 200 characters, cut at a word) of a post's sanitized HTML: block tags
 * become spaces (so paragraphs and list items do not run words together), inline tags vanish (so no space
 * appears before the punctuation after `<strong>…</strong>`), entities decoded, whitespace collapsed.
 * Clients render it as text, never as HTML. The input is HTML DevFlow sanitized itself when the post was
 * saved, so dropping its tags with a regular expression is enough (a tag cut off by the 2,000-character
 * slice included); re-parsing it with sanitize-html cost ~0.5 ms per item, most of an uncached list page
 * (bench/RESULTS.md).
 */
export function excerptOf(html: string): string {
  const text = html
    .slice(0, EXCERPT_SOURCE_CHARS)
    .replace(/<\/?([a-zA-Z][a-zA-Z0-9]*)?[^>]*(?:>|$)/g, (_tag, name: string | undefined) =>
      name !== undefined && INLINE_TAGS.has(name.toLowerCase()) ? '' : ' ',
    )
    .replace(/&(?:amp|lt|gt|quot|#39|nbsp);/g, (entity) => entities[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > EXCERPT_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** A full snapshot of a post as one revision saves it. */
export type RevisionSnapshot = {
  targetType: 'question' | 'answer';
  targetId: number;
  editorId: number;
  title: string | null;
  body: string;
  tags: string[] | null;
};

/** Saves one revision inside the caller's transaction. */
export async function saveRevision(tx: Executor, snapshot: RevisionSnapshot): Promise<void> {
  await tx.insert(revisions).values(snapshot);
}

/** Every revision of a post, newest first, with the editor (reads `revisions_target_idx`). */
export async function revisionsOf(db: Executor, targetType: 'question' | 'answer', targetId: number) {
  const rows = await db
    .select({
      id: revisions.id,
      createdAt: revisions.createdAt,
      title: revisions.title,
      body: revisions.body,
      tags: revisions.tags,
      editor: authorColumns,
    })
    .from(revisions)
    .innerJoin(users, eq(users.id, revisions.editorId))
    .where(and(eq(revisions.targetType, targetType), eq(revisions.targetId, targetId)))
    .orderBy(desc(revisions.id));
  return rows.map((row) => ({
    id: toId(row.id),
    editor: toUserSummary(row.editor),
    createdAt: toIso(row.createdAt),
    title: row.title,
    body: row.body,
    tags: row.tags,
  }));
}

/**
 * SQL that is true when the post a reply hangs from is not live: its question is deleted, or its answer
 * or that answer's question is (or the post is gone). A reply is exactly as visible as that post — an
 * answer under a deleted question, likewise, as its question — so for everyone but moderators such a reply
 * is NOT_FOUND with the missing reply's message in every procedure that touches it (update, delete,
 * replying to it, reacting to it, notifications linking to it). Two primary-key probes.
 */
export function replyPostHidden(reply: { targetType: SQLWrapper; targetId: SQLWrapper }): SQL<boolean> {
  return sql<boolean>`not (case when ${reply.targetType} = 'question'
    then exists (select 1 from questions hq where hq.id = ${reply.targetId} and hq.deleted_at is null)
    else exists (select 1 from answers ha join questions hq on hq.id = ha.question_id
                 where ha.id = ${reply.targetId} and ha.deleted_at is null and hq.deleted_at is null) end)`;
}

/** Every kind of post: questions, answers and replies. */
export type PostType = 'question' | 'answer' | 'reply';

/** What social features need to know about a post. */
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
                (r.deleted_at is not null or ${replyPostHidden({ targetType: sql`r.target_type`, targetId: sql`r.target_id` })}) as deleted,
                r.likes, r.dislikes, r.score
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

/** Reads a live post (not deleted) or throws NOT_FOUND. */
export async function requireLivePost(
  db: Executor,
  type: PostType,
  id: number,
  options: { lock?: boolean } = {},
): Promise<PostRef> {
  const post = await findPost(db, type, id, options);
  if (!post || post.deleted) throw notFound(type);
  return post;
}
