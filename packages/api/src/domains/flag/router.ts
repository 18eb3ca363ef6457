import { flagCreateInput, flagOutput } from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { router, writerProcedure } from '../../trpc/procedures';
import { createFlag } from './service';

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
    .output(syncOutput(flagOutput))
    .mutation(({ ctx, input }) => createFlag(ctx.deps, ctx.user, input)),
});
