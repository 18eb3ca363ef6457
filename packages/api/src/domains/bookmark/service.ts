import type {
  bookmarkInput,
  bookmarkListInput,
  bookmarkListOutput,
  bookmarkStateOutput,
} from '@devflow/contract';
import { toId, toIso } from '@devflow/contract';
import { deleteBookmark, insertBookmark, listBookmarkRows } from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { NotFoundError } from '../../platform/domain-errors';
import { decodeCursor, timeIdCursor, toPage } from '../../platform/pagination';
import type { SessionUser } from '../../trpc/context';
import { excerptOf, requireLivePost, toUserSummary } from '../posts/posts';

type Deps = Pick<ApiDeps, 'db'>;

/** `bookmark.add`: saves a live question or answer for the caller (idempotent); otherwise NOT_FOUND. */
export async function addBookmark(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof bookmarkInput>,
): Promise<z.infer<typeof bookmarkStateOutput>> {
  return deps.db.transaction(async (tx) => {
    await requireLivePost(tx, input.targetType, input.targetId);
    await insertBookmark(tx, { userId: actor.id, targetType: input.targetType, targetId: input.targetId });
    return { bookmarked: true };
  });
}

/**
 * `bookmark.remove`: removes one of the caller's bookmarks. Bookmarks are private: a post the caller has
 * not saved (whoever else did) is NOT_FOUND.
 */
export async function removeBookmark(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof bookmarkInput>,
): Promise<z.infer<typeof bookmarkStateOutput>> {
  const removed = await deleteBookmark(deps.db, {
    userId: actor.id,
    targetType: input.targetType,
    targetId: input.targetId,
  });
  if (!removed) throw new NotFoundError('You have not saved this post.');
  return { bookmarked: false };
}

/** `bookmark.list`: the caller's saved live posts, newest saved first; nobody else's. */
export async function listBookmarks(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof bookmarkListInput>,
): Promise<z.infer<typeof bookmarkListOutput>> {
  const decoded = input.cursor ? decodeCursor(input.cursor, timeIdCursor) : null;
  const rows = await listBookmarkRows(deps.db, {
    userId: actor.id,
    cursor: decoded ? { savedAt: decoded[0], id: decoded[1] } : null,
    limit: input.limit + 1,
  });
  return toPage(
    rows,
    input.limit,
    (row) => ({
      targetType: row.targetType,
      targetId: toId(row.targetId),
      questionId: toId(row.questionId),
      title: row.title,
      excerpt: excerptOf(row.bodyHead),
      author: toUserSummary(row.author),
      score: Number(row.score),
      createdAt: toIso(row.createdAt),
      savedAt: toIso(row.savedAt),
    }),
    (row) => [toIso(row.savedAt), row.id],
  );
}
