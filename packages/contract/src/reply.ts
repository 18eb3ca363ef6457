import { z } from 'zod';
import { idInput, idOutput, isoDate, userSummary } from './common';
import { MAX_THREAD_DEPTH, REPLY_BODY_LENGTH } from './limits';
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
 * Input of `reply.thread`: a whole thread, or the subtree under `rootId`, down to `maxDepth` levels
 * (the top-level replies, or the root, are level 1).
 */
export const replyThreadInput = z.object({
  targetType: replyTargetType,
  targetId: idInput,
  rootId: idInput.optional(),
  maxDepth: z.number().int().min(1).max(MAX_THREAD_DEPTH).default(MAX_THREAD_DEPTH),
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
    /**
     * True when some of this reply's children are not in the response — cut by `maxDepth` or by the node
     * cap. Ask again with `rootId` set to this reply to read them.
     */
    moreReplies: z.boolean(),
    /** Ids of this reply's children that are in the response, oldest first (each is also in `items`). */
    children: z.array(idOutput),
  })
  .meta({ id: 'ReplyNode' });

/** A reply in a thread, with the ids of its returned children. */
export type ReplyNode = z.infer<typeof replyNode>;

/**
 * Output of `reply.thread`: at most `MAX_THREAD_NODES` replies, breadth-first — every level-1 reply, then
 * level 2, … until the cap, which may cut a level part-way.
 */
export const replyThreadOutput = z.object({
  /**
   * Every returned reply, level by level (the top-level replies or the `rootId` reply first), oldest first
   * within a level: a reply always comes after its parent. The tree's roots are the replies whose parent
   * is not in the list; each reply's `children` lists its returned children.
   */
  items: z.array(replyNode),
  /**
   * True when anything in scope was left out: children of a node flagged `moreReplies`, or top-level
   * replies beyond the cap (which have no returned parent to flag).
   */
  truncated: z.boolean(),
  /** Replies under the target post at any depth, tombstones included — whatever `rootId` and `maxDepth`. */
  total: z.number().int(),
});
