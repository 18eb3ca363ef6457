import { type Executor, reactions, revisions, users } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { and, desc, eq, inArray } from 'drizzle-orm';
import sanitizeHtml from 'sanitize-html';
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

/** NOT_FOUND with a sentence naming what is missing. */
export function notFound(what: 'question' | 'answer'): TRPCError {
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
};

/**
 * A plain-text excerpt (~200 characters, cut at a word) of a post's sanitized HTML: tags dropped,
 * entities decoded, whitespace collapsed. Clients render it as text, never as HTML.
 */
export function excerptOf(html: string): string {
  const text = sanitizeHtml(html.slice(0, EXCERPT_SOURCE_CHARS), { allowedTags: [], allowedAttributes: {} })
    .replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => entities[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH);
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
