import { suggestEditInput, suggestedEditOutput } from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { router, writerProcedure } from '../../trpc/procedures';
import { suggestEdit } from './service';

/** Edits suggested by users who may not edit others' posts yet. */
export const editRouter = router({
  /** Suggests an edit to someone else's question or answer; it waits in the suggested-edits queue. */
  suggest: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/edit/suggest',
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
    .output(syncOutput(suggestedEditOutput))
    .mutation(({ ctx, input }) => suggestEdit(ctx.deps, ctx.user, input)),
});
