import { z } from 'zod';
import { idInput, idOutput, isoDate, userSummary } from './common';
import { reactionValue } from './reaction';

/** What a reply thread hangs from. */
export const replyTargetType = z.enum(['question', 'answer']);

/** A reply's markdown body: 1..10,000 characters after trimming. */
export const replyBody = z
  .string()
  .trim()
  .min(1, 'A reply cannot be empty.')
  .max(10_000, 'A reply can be at most 10,000 characters.');

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

/** Most levels one `reply.thread` request returns. */
export const MAX_THREAD_DEPTH = 1000;

/** Most replies one `reply.thread` request returns; beyond it the response says `truncated: true`. */
export const MAX_THREAD_NODES = 10_000;

/** Input of `reply.thread`: a whole thread, or the subtree under `rootId`, down to `maxDepth` levels. */
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

/** A reply in a thread, with its children in order (oldest first). */
export type ReplyNode = z.infer<typeof replyOutput> & {
  /** True on the last returned level when deeper replies exist (ask again with `rootId`). */
  moreReplies: boolean;
  children: ReplyNode[];
};

/** Recursive schema of a thread node (zod 4 getter; a `$ref` cycle in OpenAPI). */
export const replyNode: z.ZodType<ReplyNode> = z
  .object({
    ...replyFields,
    moreReplies: z.boolean(),
    get children() {
      return z.array(replyNode);
    },
  })
  .meta({ id: 'ReplyNode' });

/** Output of `reply.thread`. */
export const replyThreadOutput = z.object({
  items: z.array(replyNode),
  /** True when the node cap or `maxDepth` left replies out. */
  truncated: z.boolean(),
  /** Replies in scope down to `maxDepth`, before the node cap. */
  total: z.number().int(),
});
