/**
 * Small helpers every kind of post shares: its author as a `userSummary`, NOT_FOUND, visibility of
 * deleted posts, the caller's reactions, excerpts, revisions and live-post checks. Their SQL is in
 * `packages/db/src/queries/post.ts`, `reaction.ts` and `revision.ts`.
 */

import { toId, toIso } from '@devflow/contract';
import {
  type Executor,
  findPost,
  insertRevision,
  listRevisions,
  type PostRef,
  type PostType,
  type RevisionSnapshot,
  reactionsByUser,
} from '@devflow/db';
import { NotFoundError } from '../../platform/domain-errors';
import { can } from '../../platform/policy';
import type { SessionUser } from '../../trpc/context';

export type { PostType };

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
export function notFound(what: PostType): NotFoundError {
  return new NotFoundError(`This ${what} does not exist or was deleted.`);
}

/**
 * Whether `actor` may see a post: live posts (`live`, read with the one visibility rule `livePost` of
 * `packages/db/src/queries/visibility.ts`: neither deleted nor hidden by flags) are public, others only
 * reach moderators (policy `post.viewDeleted`); everyone else gets NOT_FOUND, as if it never existed.
 */
export function visibleTo(actor: SessionUser | null, live: boolean): boolean {
  return live || can(actor, 'post.viewDeleted');
}

/** A reaction value (+1/-1) as the API names it. */
export function reactionName(value: number | null | undefined): 'like' | 'dislike' | null {
  if (value === 1) return 'like';
  if (value === -1) return 'dislike';
  return null;
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
  const rows = await reactionsByUser(db, { userId: actor.id, targetType, ids });
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
 * The inline elements the markdown sanitizer allows (`packages/api/src/platform/markdown.ts`): text around them runs on
 * ("**batching**." reads "batching."). Every other tag is a block boundary and becomes a space.
 */
const INLINE_TAGS = new Set(['a', 'code', 'em', 'strong', 'del', 's', 'img', 'sup', 'sub', 'kbd']);

/**
 * A plain-text excerpt (at most 200 characters, cut at a word) of a post's sanitized HTML: block tags
 * become spaces (so paragraphs and list items do not run words together), inline tags vanish (so no space
 * appears before the punctuation after `<strong>…</strong>`), entities decoded, whitespace collapsed.
 * Clients render it as text, never as HTML. The input is HTML DevFlow sanitized itself when the post was
 * saved, so dropping its tags with a regular expression is enough (a tag cut off by the 2,000-character
 * slice included); re-parsing it with sanitize-html cost most of an uncached list page
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

/** Saves one revision inside the caller's transaction. */
export async function saveRevision(tx: Executor, snapshot: RevisionSnapshot): Promise<void> {
  await insertRevision(tx, snapshot);
}

/** Every revision of a post, newest first, with the editor (reads `revisions_target_idx`). */
export async function revisionsOf(db: Executor, targetType: 'question' | 'answer', targetId: number) {
  const rows = await listRevisions(db, { targetType, targetId });
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
 * Reads a live post (not deleted, nor hidden with what it hangs from) or throws NOT_FOUND. With `lock`,
 * the post's row stays locked until the transaction ends (`findPost`).
 */
export async function requireLivePost(
  db: Executor,
  type: PostType,
  id: number,
  options: { lock?: boolean } = {},
): Promise<PostRef> {
  const post = await findPost(db, { type, id, lock: options.lock ?? false });
  if (!post || post.deleted) throw notFound(type);
  return post;
}
