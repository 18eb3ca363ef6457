import { reactionSetInput, reactionSetOutput } from '../schemas/reaction';
import { setReaction } from '../services/reaction';
import { router, writerProcedure } from '../trpc';

/** Likes and dislikes on questions, answers and replies. */
export const reactionRouter = router({
  /** Likes, dislikes or clears (`value: null`) the caller's reaction; returns the post's counters. */
  set: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/reaction/set',
        tags: ['reaction'],
        summary: 'Like, dislike or clear',
        protect: true,
      },
    })
    .input(reactionSetInput)
    .output(reactionSetOutput)
    .mutation(({ ctx, input }) => setReaction(ctx.deps, ctx.user, input)),
});
