import { feedListInput, feedListOutput } from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { protectedProcedure, router } from '../../trpc/procedures';
import { listFeed } from './service';

/** What the people you follow posted, and what is new in the tags and questions you watch. */
export const feedRouter = router({
  /** Questions and answers by followed users and in watched tags and questions, newest first. */
  list: protectedProcedure
    .meta({
      openapi: { method: 'GET', path: '/feed/list', tags: ['feed'], summary: 'Your feed', protect: true },
    })
    .input(feedListInput)
    .output(syncOutput(feedListOutput))
    .query(({ ctx, input }) => listFeed(ctx.deps, ctx.user, input)),
});
