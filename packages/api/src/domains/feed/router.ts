import { feedListInput, feedListOutput } from '@devflow/contract';
import { protectedProcedure, router } from '../../trpc/procedures';
import { listFeed } from './service';

/** What the people you follow posted. */
export const feedRouter = router({
  /** Questions and answers by the users the caller follows, newest first. */
  list: protectedProcedure
    .meta({
      openapi: { method: 'GET', path: '/feed/list', tags: ['feed'], summary: 'Your feed', protect: true },
    })
    .input(feedListInput)
    .output(feedListOutput)
    .query(({ ctx, input }) => listFeed(ctx.deps, ctx.user, input)),
});
