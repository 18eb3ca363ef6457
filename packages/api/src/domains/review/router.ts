import { pageOutput, reviewItem, reviewListInput, reviewResolveInput } from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { protectedProcedure, router, writerProcedure } from '../../trpc/procedures';
import { listReview, resolveReview } from './service';

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
    .output(syncOutput(pageOutput(reviewItem)))
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
    .output(syncOutput(reviewItem))
    .mutation(({ ctx, input }) => resolveReview(ctx.deps, ctx.user, input)),
});
