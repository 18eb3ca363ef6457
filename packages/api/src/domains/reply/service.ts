import {
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
import { decodeCursor, encodeCursor, INVALID_CURSOR_MESSAGE, idCursor } from '../../platform/pagination';
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

/** A thread row that holds a reply (every row but the target-only row of an empty page). */
type ReplyRow = ThreadRow & { id: DbNumber };

/**
 * Loads one page of a thread — or of the subtree under `rootId` — down to `maxDepth` levels, with ONE
 * SQL statement (`loadThread`). The page holds at most `limit` replies in DEPTH-FIRST order: a reply,
 * then its replies oldest first, each followed by its own; `nextCursor` (null at the end) continues
 * right after the page's last reply in that order, so the pages of a thread, read one after the other,
 * hold every reply once, in the order one page of `MAX_THREAD_NODES` would. `nextParentId` names the
 * reply under which the next page starts (null: at the top level). Each node names its returned
 * children; `moreReplies` marks a node whose children are not all on this page — cut by `maxDepth` (ask
 * again with `rootId` set to it) or by the page end (follow `nextCursor`). Rows come parent first, so one
 * linear pass links every node, with no recursion (a chain is as deep as `maxDepth`; the output stays
 * flat, `packages/contract/src/reply.ts`). Tombstones keep their place with an empty body. A missing
 * target, a deleted one (except for moderators, `post.viewDeleted`) or a `rootId` outside the thread is
 * NOT_FOUND; a cursor that is not one of this thread's (or of this `rootId` and `maxDepth`) is BAD_REQUEST.
 */
export async function loadReplyThread(
  deps: ApiDeps,
  viewer: SessionUser | null,
  input: z.infer<typeof replyThreadInput>,
): Promise<z.infer<typeof replyThreadOutput>> {
  const afterId = threadCursorAfter(input.cursor);
  const rows = await loadThread(deps.db, {
    targetType: input.targetType,
    targetId: input.targetId,
    rootId: input.rootId ?? null,
    maxDepth: input.maxDepth,
    maxNodes: input.limit + 1,
    afterId,
    viewerId: viewer?.id ?? null,
  });
  const first = rows[0];
  const state = first?.target_state ?? null;
  const visible = state === 'live' || (state === 'deleted' && can(viewer, 'post.viewDeleted'));
  if (!first || !visible) {
    throw notFound(input.targetType);
  }
  if (!first.cursor_ok) throw new BadInputError(INVALID_CURSOR_MESSAGE);
  if (input.rootId !== undefined && afterId === null && !rows.some((row) => row.id !== null)) {
    throw new NotFoundError(`Reply ${input.rootId} is not part of this thread.`);
  }
  // A reply hidden by flags is a tombstone to everyone but moderators, who see it marked `hidden`.
  return toThreadPage(rows, num(first.total), input, can(viewer, 'post.viewDeleted'));
}

/** The reply a `reply.thread` cursor continues after (null: the first page); BAD_REQUEST for any other string. */
export function threadCursorAfter(cursor: string | null | undefined): number | null {
  return cursor ? decodeCursor(cursor, idCursor)[0] : null;
}

/** What `toThreadPage` reads of `reply.thread`'s input. */
export type ThreadPageInput = Pick<
  z.infer<typeof replyThreadInput>,
  'targetType' | 'targetId' | 'maxDepth' | 'limit'
>;

/**
 * `reply.thread`'s answer from the rows `loadThread` read for `input` (at most `limit + 1` replies in
 * depth-first order, each with its level and newest child) and the post's reply count: the first
 * `limit` as linked nodes, `nextCursor`/`nextParentId` from the extra row. Pure — no database,
 * no checks (the caller has told NOT_FOUND and a bad cursor apart already) — so the bench's bare
 * strategies (bench/thread.ts) shape their rows with it too. `seesHidden`: the reader is a moderator,
 * to whom a reply hidden by flags is marked `hidden` rather than a tombstone.
 */
export function toThreadPage(
  rows: readonly ThreadRow[],
  total: number,
  input: ThreadPageInput,
  seesHidden: boolean,
): z.infer<typeof replyThreadOutput> {
  const all = rows.filter((row): row is ReplyRow => row.id !== null);
  const next = all.length > input.limit ? all[input.limit] : undefined;
  const pageRows = next === undefined ? all : all.slice(0, input.limit);
  const byId = new Map<string, ReplyNode>();
  const items: ReplyNode[] = [];
  const lastChildOf = new Map<ReplyNode, string>();
  for (const row of pageRows) {
    const node = toReplyNode(row, input, seesHidden);
    if (row.last_child !== null) {
      // On the last level every child is left out; above it, the newest child tells.
      if (Number(row.lvl) >= input.maxDepth) node.moreReplies = true;
      else lastChildOf.set(node, toId(num(row.last_child)));
    }
    const parent = Number(row.lvl) > 1 && node.parentId !== null ? byId.get(node.parentId) : undefined;
    if (parent) parent.children.push(node.id);
    items.push(node);
    byId.set(node.id, node);
  }
  // Children follow their parent oldest first: a reply misses some exactly when its newest one is not here.
  for (const [node, lastChild] of lastChildOf) node.moreReplies = !byId.has(lastChild);
  const last = pageRows[pageRows.length - 1];
  const nextCursor = next !== undefined && last !== undefined ? encodeCursor([num(last.id)]) : null;
  return {
    items,
    truncated: nextCursor !== null || items.some((node) => node.moreReplies),
    total,
    nextCursor,
    nextParentId:
      next === undefined || next.parent_id === null || Number(next.lvl) === 1
        ? null
        : toId(num(next.parent_id)),
  };
}

/** One thread row as the API's node, with no children linked yet. */
function toReplyNode(row: ReplyRow, input: ThreadPageInput, seesHidden: boolean): ReplyNode {
  const hidden = row.hidden_at !== null;
  const deleted = row.deleted_at !== null || (hidden && !seesHidden);
  return {
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
}
