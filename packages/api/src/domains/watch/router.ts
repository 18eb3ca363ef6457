import {
  noInput,
  watchListOutput,
  watchQuestionInput,
  watchStateOutput,
  watchTagInput,
} from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { protectedProcedure, router } from '../../trpc/procedures';
import { listWatches, unwatchQuestion, unwatchTag, watchQuestion, watchTag } from './service';

/**
 * Watching tags and questions: what is new in them reaches the caller's feed and notifications. A
 * private preference, so suspended users may change it too (`protectedProcedure`).
 */
export const watchRouter = router({
  /** Watches a tag: its new questions reach your feed and notifications. */
  tag: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/watch/tag',
        errorResponses: { 404: 'no question carries this tag' },
        tags: ['watch'],
        summary: 'Watch a tag',
        protect: true,
      },
    })
    .input(watchTagInput)
    .output(syncOutput(watchStateOutput))
    .mutation(({ ctx, input }) => watchTag(ctx.deps, ctx.user, input)),

  /** Stops watching a tag (idempotent). */
  untag: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/watch/untag',
        tags: ['watch'],
        summary: 'Stop watching a tag',
        protect: true,
      },
    })
    .input(watchTagInput)
    .output(syncOutput(watchStateOutput))
    .mutation(({ ctx, input }) => unwatchTag(ctx.deps, ctx.user, input)),

  /** Watches a question: its new answers reach your feed and notifications. */
  question: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/watch/question',
        errorResponses: { 404: 'no live question has this id' },
        tags: ['watch'],
        summary: 'Watch a question',
        protect: true,
      },
    })
    .input(watchQuestionInput)
    .output(syncOutput(watchStateOutput))
    .mutation(({ ctx, input }) => watchQuestion(ctx.deps, ctx.user, input)),

  /** Stops watching a question (idempotent; also undoes the watch that asking or answering started). */
  unquestion: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/watch/unquestion',
        tags: ['watch'],
        summary: 'Stop watching a question',
        protect: true,
      },
    })
    .input(watchQuestionInput)
    .output(syncOutput(watchStateOutput))
    .mutation(({ ctx, input }) => unwatchQuestion(ctx.deps, ctx.user, input)),

  /** The tags and questions you watch, newest watched first. */
  list: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/watch/list',
        tags: ['watch'],
        summary: 'What you watch',
        protect: true,
      },
    })
    .input(noInput)
    .output(syncOutput(watchListOutput))
    .query(({ ctx }) => listWatches(ctx.deps, ctx.user)),
});
