import { reactionSetInput, reactionSetOutput } from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { router, writerProcedure } from '../../trpc/procedures';
import { setReaction } from './service';

/** Likes and dislikes on questions, answers and replies. */
export const reactionRouter = router({
  /** Likes, dislikes or clears (`value: null`) the caller's reaction; returns the post's counters. */
  set: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/reaction/set',
        errorResponses: { 403: 'the post is the caller’s own', 404: 'the post does not exist' },
        tags: ['reaction'],
        summary: 'Like, dislike or clear',
        protect: true,
      },
    })
    .input(reactionSetInput)
    .output(syncOutput(reactionSetOutput))
    .mutation(({ ctx, input }) => setReaction(ctx.deps, ctx.user, input)),
});
