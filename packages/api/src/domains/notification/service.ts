import type {
  notificationListInput,
  notificationListOutput,
  notificationMarkReadInput,
  notificationMarkReadOutput,
} from '@devflow/contract';
import { isBadge, toId, toIso } from '@devflow/contract';
import { listNotificationRows, setNotificationsRead, unreadNotificationCount } from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { decodeCursor, idCursor, toPage } from '../../platform/pagination';
import { can } from '../../platform/policy';
import type { SessionUser } from '../../trpc/context';

/**
 * The caller's notifications, newest first (keyset on id through `notifications_user_idx`, or
 * `notifications_unread_idx` with `unreadOnly`), with the actor and the question's title (hidden once
 * the question is deleted). A notification links to its answer and reply only while they are visible:
 * once the question or the answer is deleted, `answerId` and `replyId` are null for everyone but
 * moderators (a reply is as visible as the post it hangs from, `posts.ts` `replyPostHidden`).
 */
export async function listNotifications(
  deps: ApiDeps,
  viewer: SessionUser,
  input: z.infer<typeof notificationListInput>,
): Promise<z.infer<typeof notificationListOutput>> {
  const cursor = input.cursor ? decodeCursor(input.cursor, idCursor) : null;
  const rows = await listNotificationRows(deps.db, {
    userId: viewer.id,
    unreadOnly: input.unreadOnly,
    beforeId: cursor ? cursor[0] : null,
    limit: input.limit + 1,
  });
  const seesHidden = can(viewer, 'post.viewDeleted');
  return toPage(
    rows,
    input.limit,
    (row) => {
      const linked = seesHidden || !row.postHidden;
      return {
        id: toId(row.id),
        type: row.type,
        badge: row.badge !== null && isBadge(row.badge) ? row.badge : null,
        actor: {
          id: toId(row.actorId),
          username: row.actorUsername,
          displayName: row.actorDisplayName,
          avatarUrl: row.actorAvatarUrl,
        },
        questionId: row.questionId === null ? null : toId(row.questionId),
        questionTitle: row.questionTitle ?? null,
        answerId: row.answerId === null || !linked ? null : toId(row.answerId),
        replyId: row.replyId === null || !linked ? null : toId(row.replyId),
        createdAt: toIso(row.createdAt),
        read: row.readAt !== null,
      };
    },
    (row) => [row.id],
  );
}

/** Marks the caller's notifications read — the given ids (others' ids are ignored) or all of them. */
export async function markNotificationsRead(
  deps: ApiDeps,
  viewer: SessionUser,
  input: z.infer<typeof notificationMarkReadInput>,
): Promise<z.infer<typeof notificationMarkReadOutput>> {
  return deps.db.transaction(async (tx) => {
    await setNotificationsRead(tx, { userId: viewer.id, ids: input.ids ?? null });
    return { ok: true as const, unread: await unreadNotificationCount(tx, viewer.id) };
  });
}

/** How many of the caller's notifications are unread (the web badge). */
export async function countUnread(deps: ApiDeps, viewer: SessionUser): Promise<{ count: number }> {
  return { count: await unreadNotificationCount(deps.db, viewer.id) };
}
