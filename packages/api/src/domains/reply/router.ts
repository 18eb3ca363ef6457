import {
  okOutput,
  replyCreateInput,
  replyDeleteInput,
  replyOutput,
  replyThreadInput,
  replyThreadOutput,
  replyUpdateInput,
} from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { publicProcedure, router, writerProcedure } from '../../trpc/procedures';
import { createReply, deleteReply, loadReplyThread, updateReply } from './service';

/** Nested replies under questions and answers. */
export const replyRouter = router({
  /** Posts a reply at the top of a thread or under another reply; notifies the author replied to. */
  create: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/reply/create',
        errorResponses: {
          400: 'the parent reply is in another thread',
          404: 'the question, answer or parent reply does not exist',
        },
        tags: ['reply'],
        summary: 'Post a reply',
        protect: true,
      },
    })
    .input(replyCreateInput)
    .output(syncOutput(replyOutput))
    .mutation(({ ctx, input }) => createReply(ctx.deps, ctx.user, input)),

  /** Edits a reply's body (author or moderator). */
  update: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/reply/update',
        errorResponses: {
          403: 'the caller is neither the author nor a moderator',
          404: 'no live reply has this id',
        },
        tags: ['reply'],
        summary: 'Edit a reply',
        protect: true,
      },
    })
    .input(replyUpdateInput)
    .output(syncOutput(replyOutput))
    .mutation(({ ctx, input }) => updateReply(ctx.deps, ctx.user, input)),

  /** Deletes a reply as a tombstone: its children stay (author or moderator). */
  delete: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/reply/delete',
        errorResponses: {
          403: 'the caller is neither the author nor a moderator',
          404: 'no reply has this id',
        },
        tags: ['reply'],
        summary: 'Delete a reply',
        protect: true,
      },
    })
    .input(replyDeleteInput)
    .output(syncOutput(okOutput))
    .mutation(({ ctx, input }) => deleteReply(ctx.deps, ctx.user, input)),

  /**
   * One page of a thread (or of the subtree under `rootId`), loaded with one recursive query whose cost
   * follows the page: at most `limit` replies (200 by default, up to 10,000), depth-first — a reply, then
   * its replies oldest first, each followed by its own. `nextCursor` (null at the end) continues right
   * after the page; `nextParentId` is the reply the next page starts under. A node with `moreReplies:
   * true` has children not on this page (beyond `maxDepth`: ask again with `rootId` set to it).
   * `truncated` says whether anything was left out; `total` counts every reply under the post.
   */
  thread: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/reply/thread',
        errorResponses: {
          400: 'the cursor is not one of this thread (same target, `rootId` and `maxDepth`)',
          404: 'the question or answer does not exist, or `rootId` is not in its thread',
        },
        tags: ['reply'],
        summary: 'Load a reply thread',
        protect: false,
      },
    })
    .input(replyThreadInput)
    .output(syncOutput(replyThreadOutput))
    .query(({ ctx, input }) => loadReplyThread(ctx.deps, ctx.user, input)),
});
