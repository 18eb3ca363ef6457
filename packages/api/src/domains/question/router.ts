import {
  closeOutcome,
  createQuestionInput,
  listQuestionsInput,
  okOutput,
  pageOutput,
  questionCloseInput,
  questionDetailOutput,
  questionIdInput,
  questionOutput,
  questionReopenInput,
  questionSimilarInput,
  questionSummary,
  revisionOutput,
  searchQuestionsInput,
  similarQuestion,
  updateQuestionInput,
} from '@devflow/contract';
import { z } from 'zod';
import { syncOutput } from '../../trpc/output';
import { publicProcedure, router, writerProcedure } from '../../trpc/procedures';
import { closeQuestion, reopenQuestion } from '../moderation/close';
import { findSimilarQuestions } from '../moderation/similar';
import { getQuestionPage, listQuestionsCached } from './reads';
import { searchQuestions } from './search';
import {
  createQuestion,
  deleteQuestion,
  questionRevisions,
  restoreQuestion,
  updateQuestion,
} from './service';

/** Questions: posting, reading, listing, full-text search, editing with revisions, soft delete, closing. */
export const questionRouter = router({
  /**
   * Closes a question: a moderator at once; a user with the close-votes privilege casts a vote, and the
   * question closes when enough unexpired votes agree. A closed question stays readable and takes no answers.
   */
  close: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/question/close',
        errorResponses: {
          400: 'a duplicate without a live original, or an original for another reason',
          403: 'the caller lacks the close-votes privilege',
          404: 'no question has this id, or it was deleted',
          409: 'the question is closed already, or the caller already voted',
        },
        tags: ['question'],
        summary: 'Close a question (or vote to)',
        protect: true,
      },
    })
    .input(questionCloseInput)
    .output(syncOutput(closeOutcome))
    .mutation(({ ctx, input }) => closeQuestion(ctx.deps, ctx.user, input)),

  /** Reopens a closed question: a moderator at once; privileged users vote, as for closing. */
  reopen: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/question/reopen',
        errorResponses: {
          403: 'the caller lacks the close-votes privilege',
          404: 'no question has this id, or it was deleted',
          409: 'the question is open, or the caller already voted',
        },
        tags: ['question'],
        summary: 'Reopen a question (or vote to)',
        protect: true,
      },
    })
    .input(questionReopenInput)
    .output(syncOutput(closeOutcome))
    .mutation(({ ctx, input }) => reopenQuestion(ctx.deps, ctx.user, input)),

  /** Up to 5 live questions similar to a title being typed (full text), for the ask form. */
  similar: publicProcedure
    .meta({
      openapi: { method: 'GET', path: '/question/similar', tags: ['question'], summary: 'Similar questions' },
    })
    .input(questionSimilarInput)
    .output(syncOutput(z.array(similarQuestion)))
    .query(({ ctx, input }) => findSimilarQuestions(ctx.deps, ctx.user, input)),

  /** Posts a question with 1..5 tags (created on first use); its first revision is saved. */
  create: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/question/create',
        tags: ['question'],
        summary: 'Ask a question',
        protect: true,
      },
    })
    .input(createQuestionInput)
    .output(syncOutput(questionOutput))
    .mutation(({ ctx, input }) => createQuestion(ctx.deps, ctx.user, input)),

  /** A question with its answers (accepted first, then score, then oldest); counts a view. */
  byId: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/question/byId',
        errorResponses: { 404: 'no question has this id, or it was deleted' },
        tags: ['question'],
        summary: 'Read a question',
      },
    })
    .input(questionIdInput)
    .output(syncOutput(questionDetailOutput))
    .query(({ ctx, input }) => getQuestionPage(ctx.deps, ctx.user, ctx.req.ip, input.id)),

  /** Questions sorted newest / top / unanswered / active, filtered by tag or author, keyset-paginated. */
  list: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/question/list',
        errorResponses: { 403: '`deleted=true` from someone who is not a moderator' },
        tags: ['question'],
        summary: 'List questions',
      },
    })
    .input(listQuestionsInput)
    .output(syncOutput(pageOutput(questionSummary)))
    .query(({ ctx, input }) => listQuestionsCached(ctx.deps, ctx.user, input)),

  /**
   * Full-text search over titles and bodies, ranked (title matches first), keyset-paginated. Any text is
   * safe; an empty or blank `q` is BAD_REQUEST, text without searchable words an empty page.
   */
  search: publicProcedure
    .meta({
      openapi: { method: 'GET', path: '/question/search', tags: ['question'], summary: 'Search questions' },
    })
    .input(searchQuestionsInput)
    .output(syncOutput(pageOutput(questionSummary)))
    .query(({ ctx, input }) => searchQuestions(ctx.deps, input)),

  /** Edits title, body and/or tags (author or moderator); saves a revision when something changed. */
  update: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/question/update',
        errorResponses: {
          403: 'the caller is neither the author nor a moderator',
          404: 'no question has this id, or it was deleted',
        },
        tags: ['question'],
        summary: 'Edit a question',
        protect: true,
      },
    })
    .input(updateQuestionInput)
    .output(syncOutput(questionOutput))
    .mutation(({ ctx, input }) => updateQuestion(ctx.deps, ctx.user, input)),

  /** Every version of a question, newest first, with its editor. */
  revisions: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/question/revisions',
        errorResponses: { 404: 'no question has this id, or it was deleted' },
        tags: ['question'],
        summary: 'Edit history of a question',
      },
    })
    .input(questionIdInput)
    .output(syncOutput(z.array(revisionOutput)))
    .query(({ ctx, input }) => questionRevisions(ctx.deps, ctx.user, input.id)),

  /** Soft-deletes a question (author or moderator). */
  delete: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/question/delete',
        errorResponses: {
          403: 'the caller is neither the author nor a moderator',
          404: 'no question has this id, or it was deleted',
        },
        tags: ['question'],
        summary: 'Delete a question',
        protect: true,
      },
    })
    .input(questionIdInput)
    .output(syncOutput(okOutput))
    .mutation(({ ctx, input }) => deleteQuestion(ctx.deps, ctx.user, input.id)),

  /** Restores a soft-deleted question (moderators). */
  restore: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/question/restore',
        errorResponses: { 403: 'the caller is not a moderator', 404: 'no question has this id' },
        tags: ['question'],
        summary: 'Restore a question',
        protect: true,
      },
    })
    .input(questionIdInput)
    .output(syncOutput(questionOutput))
    .mutation(({ ctx, input }) => restoreQuestion(ctx.deps, ctx.user, input.id)),
});
