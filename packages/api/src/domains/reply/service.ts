import {
  MAX_THREAD_NODES,
  type ReplyNode,
  type replyCreateInput,
  type replyDeleteInput,
  type replyOutput,
  type replyThreadInput,
  type replyThreadOutput,
  type replyUpdateInput,
  toId,
  toIso,
} from '@devflow/contract';
import {
  type DbNumber,
  type Executor,
  findAuthor,
  findPost,
  findReactionValue,
  findReplyParent,
  insertReply,
  loadThread,
  lockReply,
  markReplyDeleted,
  type ReplyRecord,
  type ThreadRow,
  toDate,
  updateReplyBody,
} from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { BadInputError, NotFoundError } from '../../platform/domain-errors';
import { renderMarkdown } from '../../platform/markdown';
import { assertCan, assertMay, can } from '../../platform/policy';
import type { SessionUser } from '../../trpc/context';
import { type LiveBatch, liveTransaction, postKey } from '../live/events';
import { notify } from '../notification/events';
import { notFound, reactionName, requireLivePost, toUserSummary } from '../posts/posts';

type Reply = z.infer<typeof replyOutput>;
type Author = NonNullable<Awaited<ReturnType<typeof findAuthor>>>;

/** A stored reply with its author and the caller's reaction, as the API's reply. */
function toReply(row: ReplyRecord, author: Author, myReaction: 'like' | 'dislike' | null): Reply {
  const deleted = row.deletedAt !== null;
  return {
    id: toId(row.id),
    parentId: row.parentId === null ? null : toId(row.parentId),
    targetType: row.targetType,
    targetId: toId(row.targetId),
    depth: row.depth,
    body: deleted ? '' : row.body,
    bodyHtml: deleted ? '' : row.bodyHtml,
    author: toUserSummary(author),
    likes: row.likes,
    dislikes: row.dislikes,
    score: row.score,
    myReaction,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    deleted,
  };
}

/**
 * Queues the live event of a reply that appeared or changed, on its question's channel: the reply as
 * `reply.create` returns it, without the caller's reaction.
 */
function emitReply(
  live: LiveBatch,
  type: 'reply.created' | 'reply.updated',
  questionId: number,
  row: ReplyRecord,
  author: Author,
): void {
  const { myReaction: _mine, ...reply } = toReply(row, author, null);
  live.question(
    questionId,
    { type, reply },
    { post: postKey('reply', row.id), parent: postKey(row.targetType, row.targetId) },
  );
}

/** The question a reply's thread belongs to (null when its post is gone). */
async function questionOfReply(db: Executor, row: ReplyRecord): Promise<number | null> {
  const post = await findPost(db, { type: row.targetType, id: row.targetId, lock: false });
  return post?.questionId ?? null;
}

/** The reply's author as shown next to it; NOT_FOUND when the account is gone. */
async function authorOf(deps: Pick<ApiDeps, 'db'>, userId: number): Promise<Author> {
  const author = await findAuthor(deps.db, userId);
  if (!author) throw new NotFoundError('The author of this reply no longer exists.');
  return author;
}

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
 * Needs the `reply` privilege (policy `reply.create`).
 */
export async function createReply(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof replyCreateInput>,
): Promise<Reply> {
  const { targetType, targetId, parentId, body } = input;
  await assertMay(deps, actor, 'reply.create');
  const bodyHtml = renderMarkdown(body);
  const row = await liveTransaction(deps, async (tx, live) => {
    const target = await requireLivePost(tx, targetType, targetId);
    let depth = 0;
    let notifyUserId = target.authorId;
    if (parentId !== undefined) {
      const parent = await findReplyParent(tx, parentId);
      if (!parent || !replyVisible(actor, parent.hidden)) throw new NotFoundError(missingParent);
      if (parent.targetType !== targetType || parent.targetId !== targetId) {
        throw new BadInputError(
          `Reply ${parentId} belongs to another thread; reply within the same ${targetType}.`,
        );
      }
      depth = parent.depth + 1;
      notifyUserId = parent.authorId;
    }
    const created = await insertReply(tx, {
      targetType,
      targetId,
      parentId: parentId ?? null,
      depth,
      authorId: actor.id,
      body,
      bodyHtml,
    });
    await notify(
      tx,
      deps,
      [
        {
          userId: notifyUserId,
          actorId: actor.id,
          type: 'reply',
          questionId: target.questionId,
          answerId: targetType === 'answer' ? targetId : null,
          replyId: created.id,
        },
      ],
      live,
    );
    const author = await findAuthor(tx, actor.id);
    if (author && target.questionId !== null)
      emitReply(live, 'reply.created', target.questionId, created, author);
    return created;
  });
  return toReply(row, await authorOf(deps, actor.id), null);
}

/**
 * Edits a live reply's body (its author, a moderator or a user with the `editOthers` privilege, `post.edit`). Under a deleted post only
 * moderators reach it; for anyone else it is NOT_FOUND, as a missing reply.
 */
export async function updateReply(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof replyUpdateInput>,
): Promise<Reply> {
  const bodyHtml = renderMarkdown(input.body);
  const row = await liveTransaction(deps, async (tx, live) => {
    const found = await lockReply(tx, input.id);
    if (!found || found.reply.deletedAt !== null || !replyVisible(actor, found.hidden)) {
      throw notFound('reply');
    }
    const current = found.reply;
    await assertMay(deps, actor, 'post.edit', { authorId: current.authorId }, tx);
    const updated = await updateReplyBody(tx, { id: input.id, body: input.body, bodyHtml, at: new Date() });
    if (!updated) throw notFound('reply');
    // Under a deleted post (a moderator's edit) nothing is sent: its content is not for everyone.
    const questionId = found.hidden ? null : await questionOfReply(tx, updated);
    const author = questionId === null ? undefined : await findAuthor(tx, updated.authorId);
    if (questionId !== null && author) emitReply(live, 'reply.updated', questionId, updated, author);
    return updated;
  });
  const mine = await findReactionValue(deps.db, { userId: actor.id, targetType: 'reply', targetId: row.id });
  return toReply(row, await authorOf(deps, row.authorId), reactionName(mine));
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
  await liveTransaction(deps, async (tx, live) => {
    const found = await lockReply(tx, input.id);
    if (!found || !replyVisible(actor, found.hidden)) throw notFound('reply');
    assertCan(actor, 'post.delete', { authorId: found.reply.authorId });
    if (found.reply.deletedAt !== null) return;
    await markReplyDeleted(tx, { id: input.id, at: new Date() });
    const questionId = await questionOfReply(tx, found.reply);
    if (questionId !== null) {
      live.redact(questionId, [postKey('reply', input.id)]);
      live.question(questionId, {
        type: 'reply.deleted',
        replyId: String(input.id),
        targetType: found.reply.targetType,
        targetId: String(found.reply.targetId),
      });
    }
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
 * with no recursion anywhere (a chain is as deep as `maxDepth`; the output stays flat, `packages/contract/src/reply.ts`).
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
    throw new NotFoundError(`Reply ${input.rootId} is not part of this thread.`);
  }
  const byId = new Map<string, ReplyNode>();
  const items: ReplyNode[] = [];
  const lastChildOf = new Map<ReplyNode, string>();
  let roots = 0;
  // A reply hidden by flags is a tombstone to everyone but moderators, who see it marked `hidden`.
  const seesHidden = can(viewer, 'post.viewDeleted');
  for (const row of nodes) {
    const hidden = row.hidden_at !== null;
    const deleted = row.deleted_at !== null || (hidden && !seesHidden);
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
      hidden: hidden && seesHidden,
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
