import { listTagsInput, tagOutput } from '@devflow/contract';
import { z } from 'zod';
import { syncOutput } from '../../trpc/output';
import { publicProcedure, router } from '../../trpc/procedures';
import { listTags, popularTags } from './service';

/** Tags: pickers and the popular-tags sidebar. */
export const tagRouter = router({
  /** Tags starting with `q`, alphabetical, with how many live questions carry each. */
  list: publicProcedure
    .meta({ openapi: { method: 'GET', path: '/tag/list', tags: ['tag'], summary: 'Find tags' } })
    .input(listTagsInput)
    .output(syncOutput(z.array(tagOutput)))
    .query(({ ctx, input }) => listTags(ctx.deps, input)),

  /** The most used tags (optionally starting with `q`). */
  popular: publicProcedure
    .meta({ openapi: { method: 'GET', path: '/tag/popular', tags: ['tag'], summary: 'Popular tags' } })
    .input(listTagsInput)
    .output(syncOutput(z.array(tagOutput)))
    .query(({ ctx, input }) => popularTags(ctx.deps, input)),
});
