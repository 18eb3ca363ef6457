import {
  acceptAnswerInput,
  answerIdInput,
  answerOutput,
  answersByUserInput,
  createAnswerInput,
  okOutput,
  pageOutput,
  questionDetailOutput,
  revisionOutput,
  updateAnswerInput,
  userAnswerItem,
} from '@devflow/contract';
import { z } from 'zod';
import { syncOutput } from '../../trpc/output';
import { publicProcedure, router, writerProcedure } from '../../trpc/procedures';
import {
  acceptAnswer,
  answerRevisions,
  answersByUser,
  createAnswer,
  deleteAnswer,
  restoreAnswer,
  unacceptAnswer,
  updateAnswer,
} from './service';

/** Answers: posting, editing with revisions, accepting, soft delete, a user's answers. */
export const answerRouter = router({
  /** Answers a live question; notifies the question's author. */
  create: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/answer/create',
        errorResponses: { 404: 'no live question has this id' },
        tags: ['answer'],
        summary: 'Answer a question',
        protect: true,
      },
    })
    .input(createAnswerInput)
    .output(syncOutput(answerOutput))
    .mutation(({ ctx, input }) => createAnswer(ctx.deps, ctx.user, input)),

  /** Edits an answer (author or moderator); saves a revision when the body changed. */
  update: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/answer/update',
        errorResponses: {
          403: 'the caller is neither the author nor a moderator',
          404: 'no answer has this id, or it was deleted',
        },
        tags: ['answer'],
        summary: 'Edit an answer',
        protect: true,
      },
    })
    .input(updateAnswerInput)
    .output(syncOutput(answerOutput))
    .mutation(({ ctx, input }) => updateAnswer(ctx.deps, ctx.user, input)),

  /** Soft-deletes an answer (author or moderator). */
  delete: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/answer/delete',
        errorResponses: {
          403: 'the caller is neither the author nor a moderator',
          404: 'no answer has this id, or it was deleted',
        },
        tags: ['answer'],
        summary: 'Delete an answer',
        protect: true,
      },
    })
    .input(answerIdInput)
    .output(syncOutput(okOutput))
    .mutation(({ ctx, input }) => deleteAnswer(ctx.deps, ctx.user, input.id)),

  /** Restores a soft-deleted answer (moderators). */
  restore: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/answer/restore',
        errorResponses: { 403: 'the caller is not a moderator', 404: 'no answer has this id' },
        tags: ['answer'],
        summary: 'Restore an answer',
        protect: true,
      },
    })
    .input(answerIdInput)
    .output(syncOutput(answerOutput))
    .mutation(({ ctx, input }) => restoreAnswer(ctx.deps, ctx.user, input.id)),

  /** Marks the answer accepted (question author only), moving the acceptance from any other answer. */
  accept: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/answer/accept',
        errorResponses: {
          403: 'the caller did not ask the question',
          404: 'no answer has this id, or it was deleted',
        },
        tags: ['answer'],
        summary: 'Accept an answer',
        protect: true,
      },
    })
    .input(acceptAnswerInput)
    .output(syncOutput(questionDetailOutput))
    .mutation(({ ctx, input }) => acceptAnswer(ctx.deps, ctx.user, input.answerId)),

  /** Withdraws the acceptance of this answer (question author only). */
  unaccept: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/answer/unaccept',
        errorResponses: {
          403: 'the caller did not ask the question',
          404: 'no answer has this id, or it was deleted',
        },
        tags: ['answer'],
        summary: 'Unaccept an answer',
        protect: true,
      },
    })
    .input(acceptAnswerInput)
    .output(syncOutput(questionDetailOutput))
    .mutation(({ ctx, input }) => unacceptAnswer(ctx.deps, ctx.user, input.answerId)),

  /** Every version of an answer, newest first, with its editor. */
  revisions: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/answer/revisions',
        errorResponses: { 404: 'no answer has this id, or it was deleted' },
        tags: ['answer'],
        summary: 'Edit history of an answer',
      },
    })
    .input(answerIdInput)
    .output(syncOutput(z.array(revisionOutput)))
    .query(({ ctx, input }) => answerRevisions(ctx.deps, ctx.user, input.id)),

  /** A user's answers with their question's title, newest first (profile page). */
  byUser: publicProcedure
    .meta({
      openapi: { method: 'GET', path: '/answer/byUser', tags: ['answer'], summary: "A user's answers" },
    })
    .input(answersByUserInput)
    .output(syncOutput(pageOutput(userAnswerItem)))
    .query(({ ctx, input }) => answersByUser(ctx.deps, input)),
});
