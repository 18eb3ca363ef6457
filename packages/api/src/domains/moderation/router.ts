import {
  flagCreateInput,
  flagOutput,
  pageOutput,
  reviewItem,
  reviewListInput,
  reviewResolveInput,
  suggestEditInput,
  suggestedEditOutput,
} from '@devflow/contract';
import { protectedProcedure, router, writerProcedure } from '../../trpc/procedures';
import { createFlag } from './flag';
import { listReview, resolveReview } from './review';
import { suggestEdit } from './suggest';

/** Flags on posts. */
export const flagRouter = router({
  /**
   * Flags someone else's post (privilege `flag`): spam, rude, off-topic, duplicate or needs-moderator, with
   * an optional note. One open flag per user and post; enough spam/rude flags hide the post pending review.
   */
  create: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/flag/create',
        errorResponses: {
          403: 'the post is the caller’s own, or the caller lacks the flag privilege',
          404: 'no live post has this id',
          409: 'the caller already has an open flag on this post',
        },
        tags: ['moderation'],
        summary: 'Flag a post',
        protect: true,
      },
    })
    .input(flagCreateInput)
    .output(flagOutput)
    .mutation(({ ctx, input }) => createFlag(ctx.deps, ctx.user, input)),
});

/** The review queue: flags, first posts, suggested edits and close votes, and the decisions taken. */
export const reviewRouter = router({
  /** One page of a review queue (moderators and users with the review privilege); decided items with `state=resolved`. */
  list: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/review/list',
        errorResponses: { 403: 'the caller lacks the review privilege' },
        tags: ['moderation'],
        summary: 'List review items',
        protect: true,
      },
    })
    .input(reviewListInput)
    .output(pageOutput(reviewItem))
    .query(({ ctx, input }) => listReview(ctx.deps, ctx.user, input)),

  /** Decides a review item with one of the actions it lists; the decision is recorded on the item. */
  resolve: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/review/resolve',
        errorResponses: {
          400: 'the action does not fit the item',
          403: 'the caller lacks the review privilege, or deleting needs a moderator',
          404: 'no review item has this id',
          409: 'the item was decided already, or the post changed since the edit was suggested',
        },
        tags: ['moderation'],
        summary: 'Decide a review item',
        protect: true,
      },
    })
    .input(reviewResolveInput)
    .output(reviewItem)
    .mutation(({ ctx, input }) => resolveReview(ctx.deps, ctx.user, input)),
});

/** Edits suggested by users who may not edit others' posts yet. */
export const suggestedEditRouter = router({
  /** Suggests an edit to someone else's question or answer; it waits in the suggested-edits queue. */
  create: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/suggestedEdit/create',
        errorResponses: {
          400: 'the post is the caller’s own, the caller may edit it directly, or nothing changes',
          404: 'no live post has this id',
        },
        tags: ['moderation'],
        summary: 'Suggest an edit',
        protect: true,
      },
    })
    .input(suggestEditInput)
    .output(suggestedEditOutput)
    .mutation(({ ctx, input }) => suggestEdit(ctx.deps, ctx.user, input)),
});
