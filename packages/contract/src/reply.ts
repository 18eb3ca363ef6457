import { z } from 'zod';
import { cursorInput, idInput, idOutput, isoDate, userSummary } from './common';
import { MAX_THREAD_DEPTH, MAX_THREAD_NODES, REPLY_BODY_LENGTH, THREAD_PAGE_SIZE } from './limits';
import { reactionValue } from './reaction';

/** What a reply thread hangs from. */
export const replyTargetType = z.enum(['question', 'answer']);

/** A reply's markdown body: 1..10,000 characters after trimming. */
export const replyBody = z
  .string()
  .trim()
  .min(REPLY_BODY_LENGTH.min, 'A reply cannot be empty.')
  .max(
    REPLY_BODY_LENGTH.max,
    `A reply can be at most ${REPLY_BODY_LENGTH.max.toLocaleString('en')} characters.`,
  );

/** Input of `reply.create`: top level when `parentId` is absent. */
export const replyCreateInput = z.object({
  targetType: replyTargetType,
  targetId: idInput,
  parentId: idInput.optional(),
  body: replyBody,
});

/** Input of `reply.update`. */
export const replyUpdateInput = z.object({ id: idInput, body: replyBody });

/** Input of `reply.delete`. */
export const replyDeleteInput = z.object({ id: idInput });

/**
 * Input of `reply.thread`: one page of a thread, or of the subtree under `rootId`, down to `maxDepth`
 * levels (the top-level replies, or the root, are level 1). A page holds at most `limit` replies
 * (default `THREAD_PAGE_SIZE.default`, at most `MAX_THREAD_NODES` for a client that wants everything at
 * once) in depth-first order; `cursor` is a previous page's `nextCursor` (same target, `rootId` and
 * `maxDepth`), and continues right after it.
 */
export const replyThreadInput = z.object({
  targetType: replyTargetType,
  targetId: idInput,
  rootId: idInput.optional(),
  maxDepth: z.number().int().min(1).max(MAX_THREAD_DEPTH).default(MAX_THREAD_DEPTH),
  limit: z
    .number()
    .int()
    .min(THREAD_PAGE_SIZE.min)
    .max(MAX_THREAD_NODES, `A thread page holds at most ${MAX_THREAD_NODES.toLocaleString('en')} replies.`)
    .default(THREAD_PAGE_SIZE.default),
  cursor: cursorInput,
});

/** Fields every reply carries. A deleted reply (tombstone) has an empty body and `deleted: true`. */
const replyFields = {
  id: idOutput,
  parentId: idOutput.nullable(),
  targetType: replyTargetType,
  targetId: idOutput,
  /** 0 for a top-level reply, parent's depth + 1 below. */
  depth: z.number().int(),
  body: z.string(),
  bodyHtml: z.string(),
  author: userSummary,
  likes: z.number().int(),
  dislikes: z.number().int(),
  score: z.number().int(),
  myReaction: reactionValue.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
  deleted: z.boolean(),
};

/** A reply on its own (output of `reply.create` / `reply.update`). */
export const replyOutput = z.object(replyFields).meta({ id: 'Reply' });

/**
 * A reply in a thread. The thread comes FLAT, not nested: a 1,000-deep chain nested as JSON took more
 * stack than a server with half of Node's default has to validate (zod walks it recursively) and to
 * serialize (`JSON.stringify` does too), and every client would pay again to read it. So each node names
 * its returned children by id, and the tree is one map lookup away (`apps/web/src/lib/tree.ts`).
 */
export const replyNode = z
  .object({
    ...replyFields,
    /** Hidden pending review by flags: only moderators see such a reply, with this mark (others see a tombstone). */
    hidden: z.boolean(),
    /**
     * True when some of this reply's children are not in this page: cut by `maxDepth` (ask again with
     * `rootId` set to this reply) or by the end of the page (they come with `nextCursor`). A boolean, not
     * a count: counting a reply's children would cost a scan of them on every page.
     */
    moreReplies: z.boolean(),
    /** Ids of this reply's children that are in the response, oldest first (each is also in `items`). */
    children: z.array(idOutput),
  })
  .meta({ id: 'ReplyNode' });

/** A reply in a thread, with the ids of its returned children. */
export type ReplyNode = z.infer<typeof replyNode>;

/**
 * Output of `reply.thread`: one page of at most `limit` replies, DEPTH-FIRST — a reply, then its replies
 * oldest first, each followed by its own — and where the next page continues.
 */
export const replyThreadOutput = z.object({
  /**
   * The page's replies in depth-first order: a reply always comes after its parent (when its parent is
   * on the page). The page's roots are the replies whose parent is not in the list; each reply's
   * `children` lists its children on this page.
   */
  items: z.array(replyNode),
  /** True when anything in scope was left out of this page: a `moreReplies` node, or a next page. */
  truncated: z.boolean(),
  /** Replies under the target post at any depth, tombstones included — whatever `rootId` and `maxDepth`. */
  total: z.number().int(),
  /** Pass as `cursor` (with the same target, `rootId` and `maxDepth`) for the next page; null at the end. */
  nextCursor: z.string().nullable(),
  /**
   * The reply under which the next page starts (its first reply's parent, which an earlier page
   * returned), so a client can put "Show more replies" there; null when it starts at the top level or
   * when there is no next page.
   */
  nextParentId: idOutput.nullable(),
});
