import { bookmarkInput, bookmarkListInput, bookmarkListOutput, bookmarkStateOutput } from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { protectedProcedure, router } from '../../trpc/procedures';
import { addBookmark, listBookmarks, removeBookmark } from './service';

/** Saved posts: private to their owner; suspended users keep theirs (`protectedProcedure`). */
export const bookmarkRouter = router({
  /** Saves a question or an answer (idempotent). */
  add: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/bookmark/add',
        errorResponses: { 404: 'no live post has this id' },
        tags: ['bookmark'],
        summary: 'Save a post',
        protect: true,
      },
    })
    .input(bookmarkInput)
    .output(syncOutput(bookmarkStateOutput))
    .mutation(({ ctx, input }) => addBookmark(ctx.deps, ctx.user, input)),

  /** Removes one of your bookmarks. */
  remove: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/bookmark/remove',
        errorResponses: { 404: 'you have not saved this post' },
        tags: ['bookmark'],
        summary: 'Remove a saved post',
        protect: true,
      },
    })
    .input(bookmarkInput)
    .output(syncOutput(bookmarkStateOutput))
    .mutation(({ ctx, input }) => removeBookmark(ctx.deps, ctx.user, input)),

  /** Your saved posts, newest saved first. */
  list: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/bookmark/list',
        tags: ['bookmark'],
        summary: 'Your saved posts',
        protect: true,
      },
    })
    .input(bookmarkListInput)
    .output(syncOutput(bookmarkListOutput))
    .query(({ ctx, input }) => listBookmarks(ctx.deps, ctx.user, input)),
});
