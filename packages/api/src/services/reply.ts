import type { DbNumber, ThreadRow } from '@devflow/db';
import { loadThread, reactions, replies, toDate, users } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { SessionUser } from '../context';
import type { ApiDeps } from '../deps';
import { toId, toIso } from '../schemas/common';
import {
  MAX_THREAD_NODES,
  type ReplyNode,
  type replyCreateInput,
  type replyDeleteInput,
  type replyOutput,
  type replyThreadInput,
  type replyThreadOutput,
  type replyUpdateInput,
} from '../schemas/reply';
import { renderMarkdown } from './markdown';
import { notify } from './notification-events';
import { assertCan, can } from './policy';
import { notFound, replyPostHidden, requireLivePost } from './posts';
import { reactionName } from './reaction';

type Reply = z.infer<typeof replyOutput>;
type ReplyRow = typeof replies.$inferSelect;
type Author = { id: number; username: string; displayName: string | null; avatarUrl: string | null };

function toReply(row: ReplyRow, author: Author, myReaction: 'like' | 'dislike' | null): Reply {
  const deleted = row.deletedAt !== null;
  return {
    id: toId(row.id),
    parentId: row.parentId === null ? null : toId(row.parentId),
    targetType: row.targetType,
    targetId: toId(row.targetId),
    depth: row.depth,
    body: deleted ? '' : row.body,
    bodyHtml: deleted ? '' : row.bodyHtml,
    author: {
      id: toId(author.id),
      username: author.username,
      displayName: author.displayName,
      avatarUrl: author.avatarUrl,
    },
    likes: row.likes,
    dislikes: row.dislikes,
    score: row.score,
    myReaction,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    deleted,
  };
}

async function authorOf(deps: Pick<ApiDeps, 'db'>, userId: number): Promise<Author> {
  const [author] = await deps.db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarUrl: users.avatarUrl,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!author)
    throw new TRPCError({ code: 'NOT_FOUND', message: 'The author of this reply no longer exists.' });
  return author;
}

/** `replyPostHidden` for a row of `replies` read with Drizzle's builder. */
const postHidden = () => replyPostHidden({ targetType: replies.targetType, targetId: replies.targetId });

/**
 * Whether `actor` may see a reply whose post (question or answer) is hidden or not: a reply is as visible
 * as the post it hangs from, so only moderators (`post.viewDeleted`) reach replies under a deleted post.
 */
function replyVisible(actor: SessionUser | null, hidden: boolean): boolean {
  return !hidden || can(actor, 'post.viewDeleted');
}

/** The one message for a parent reply that does not exist — or that the caller may not see. */
const missingParent = 'The reply you are answering does not exist.';

/**
 * Posts a reply under a live question or answer, at the top of its thread or under `parentId` (which
 * must be in the same thread; replying to a deleted reply is allowed so conversations can go on). A parent
 * under a deleted post is, for everyone but moderators, as missing as one that never existed. The
 * parent's author — or the post's author for a top-level reply — is notified in the same transaction.
 */
export async function createReply(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof replyCreateInput>,
): Promise<Reply> {
  const { targetType, targetId, parentId, body } = input;
  const bodyHtml = renderMarkdown(body);
  const row = await deps.db.transaction(async (tx) => {
    const target = await requireLivePost(tx, targetType, targetId);
    let depth = 0;
    let notifyUserId = target.authorId;
    if (parentId !== undefined) {
      const [parent] = await tx
        .select({
          targetType: replies.targetType,
          targetId: replies.targetId,
          depth: replies.depth,
          authorId: replies.authorId,
          hidden: postHidden(),
        })
        .from(replies)
        .where(eq(replies.id, parentId));
      if (!parent || !replyVisible(actor, parent.hidden)) {
        throw new TRPCError({ code: 'NOT_FOUND', message: missingParent });
      }
      if (parent.targetType !== targetType || parent.targetId !== targetId) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `Reply ${parentId} belongs to another thread; reply within the same ${targetType}.`,
        });
      }
      depth = parent.depth + 1;
      notifyUserId = parent.authorId;
    }
    const [created] = await tx
      .insert(replies)
      .values({ targetType, targetId, parentId: parentId ?? null, depth, authorId: actor.id, body, bodyHtml })
      .returning();
    if (!created) throw new Error('insert returned no row');
    await notify(tx, [
      {
        userId: notifyUserId,
        actorId: actor.id,
        type: 'reply',
        questionId: target.questionId,
        answerId: targetType === 'answer' ? targetId : null,
        replyId: created.id,
      },
    ]);
    return created;
  });
  return toReply(row, await authorOf(deps, actor.id), null);
}

/**
 * Edits a live reply's body (its author or a moderator, `post.edit`). Under a deleted post only
 * moderators reach it; for anyone else it is NOT_FOUND, as a missing reply.
 */
export async function updateReply(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof replyUpdateInput>,
): Promise<Reply> {
  const bodyHtml = renderMarkdown(input.body);
  const row = await deps.db.transaction(async (tx) => {
    const [found] = await tx
      .select({ reply: replies, hidden: postHidden() })
      .from(replies)
      .where(eq(replies.id, input.id))
      .for('update');
    if (!found || found.reply.deletedAt !== null || !replyVisible(actor, found.hidden)) {
      throw notFound('reply');
    }
    const current = found.reply;
    assertCan(actor, 'post.edit', { authorId: current.authorId });
    const [updated] = await tx
      .update(replies)
      .set({ body: input.body, bodyHtml, updatedAt: new Date() })
      .where(eq(replies.id, input.id))
      .returning();
    if (!updated) throw notFound('reply');
    return updated;
  });
  const [mine] = await deps.db
    .select({ value: reactions.value })
    .from(reactions)
    .where(
      and(eq(reactions.userId, actor.id), eq(reactions.targetType, 'reply'), eq(reactions.targetId, row.id)),
    );
  return toReply(row, await authorOf(deps, row.authorId), reactionName(mine?.value));
}

/**
 * Deletes a reply as a tombstone (its author or a moderator, `post.delete`): the node stays so its
 * children keep their place, its body is hidden. Deleting a tombstone again is a no-op. Under a deleted
 * post only moderators reach it; for anyone else it is NOT_FOUND, as a missing reply.
 */
export async function deleteReply(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof replyDeleteInput>,
): Promise<{ ok: true }> {
  await deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ authorId: replies.authorId, deletedAt: replies.deletedAt, hidden: postHidden() })
      .from(replies)
      .where(eq(replies.id, input.id))
      .for('update');
    if (!current || !replyVisible(actor, current.hidden)) throw notFound('reply');
    assertCan(actor, 'post.delete', { authorId: current.authorId });
    if (current.deletedAt !== null) return;
    await tx.update(replies).set({ deletedAt: new Date() }).where(eq(replies.id, input.id));
  });
  return { ok: true };
}

const num = (value: DbNumber): number => Number(value);

/**
 * Loads a thread — or the subtree under `rootId` — down to `maxDepth` levels, with ONE SQL statement
 * (`loadThread`, a recursive CTE). At most `MAX_THREAD_NODES` replies, chosen BREADTH-FIRST: every
 * level-1 reply, then level 2, … until the cap (a level may be cut part-way), so the cost follows the
 * page, not the thread. Rows arrive level by level, siblings oldest first, so each node's parent is
 * already listed when the node arrives: one linear pass links every node to its parent's `children`,
 * with no recursion anywhere (a chain is as deep as `maxDepth`; the output stays flat, `schemas/reply.ts`).
 * `moreReplies` marks every returned node with children left out (by `maxDepth` or by the cap), so a
 * client can ask again with `rootId` = that node; `truncated` says whether anything in scope was left
 * out; `total` counts every reply under the target. Tombstones keep their place with an empty body. A
 * missing target, a deleted one (except for moderators, `post.viewDeleted`) or a `rootId` outside the
 * thread is NOT_FOUND.
 */
export async function loadReplyThread(
  deps: ApiDeps,
  viewer: SessionUser | null,
  input: z.infer<typeof replyThreadInput>,
): Promise<z.infer<typeof replyThreadOutput>> {
  const rows = await loadThread(deps.db, {
    targetType: input.targetType,
    targetId: input.targetId,
    rootId: input.rootId ?? null,
    maxDepth: input.maxDepth,
    maxNodes: MAX_THREAD_NODES,
    viewerId: viewer?.id ?? null,
  });
  const first = rows[0];
  const state = first?.target_state ?? null;
  const visible = state === 'live' || (state === 'deleted' && can(viewer, 'post.viewDeleted'));
  if (!first || !visible) {
    throw notFound(input.targetType);
  }
  const nodes = rows.filter((row): row is ThreadRow & { id: DbNumber } => row.id !== null);
  if (input.rootId !== undefined && nodes.length === 0) {
    throw new TRPCError({ code: 'NOT_FOUND', message: `Reply ${input.rootId} is not part of this thread.` });
  }
  const byId = new Map<string, ReplyNode>();
  const items: ReplyNode[] = [];
  const lastChildOf = new Map<ReplyNode, string>();
  let roots = 0;
  for (const row of nodes) {
    const deleted = row.deleted_at !== null;
    const node: ReplyNode = {
      id: toId(num(row.id)),
      parentId: row.parent_id === null ? null : toId(num(row.parent_id)),
      targetType: input.targetType,
      targetId: toId(input.targetId),
      depth: Number(row.depth),
      body: deleted ? '' : row.body,
      bodyHtml: deleted ? '' : row.body_html,
      author: {
        id: toId(num(row.author_id)),
        username: row.username,
        displayName: row.display_name,
        avatarUrl: row.avatar_url,
      },
      likes: Number(row.likes),
      dislikes: Number(row.dislikes),
      score: Number(row.score),
      myReaction: reactionName(row.my_reaction === null ? null : Number(row.my_reaction)),
      createdAt: toIso(toDate(row.created_at)),
      updatedAt: toIso(toDate(row.updated_at)),
      deleted,
      moreReplies: false,
      children: [],
    };
    if (row.last_child !== null) lastChildOf.set(node, toId(num(row.last_child)));
    const parent = Number(row.lvl) > 1 && node.parentId !== null ? byId.get(node.parentId) : undefined;
    if (parent) parent.children.push(node.id);
    else roots += 1;
    items.push(node);
    byId.set(node.id, node);
  }
  // Children join the page oldest first: a reply misses some exactly when its newest one is not here.
  let truncated = false;
  for (const [node, lastChild] of lastChildOf) {
    node.moreReplies = !byId.has(lastChild);
    if (node.moreReplies) truncated = true;
  }
  // Top-level replies beyond the cap have no returned parent to flag.
  if (input.rootId === undefined && num(first.roots) > roots) truncated = true;
  return { items, truncated, total: num(first.total) };
}
