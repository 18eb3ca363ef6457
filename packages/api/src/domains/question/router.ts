import {
  createQuestionInput,
  listQuestionsInput,
  okOutput,
  pageOutput,
  questionDetailOutput,
  questionIdInput,
  questionOutput,
  questionSummary,
  revisionOutput,
  searchQuestionsInput,
  updateQuestionInput,
} from '@devflow/contract';
import { z } from 'zod';
import { publicProcedure, router, writerProcedure } from '../../trpc/procedures';
import { getQuestionPage, listQuestionsCached } from './reads';
import { searchQuestions } from './search';
import {
  createQuestion,
  deleteQuestion,
  questionRevisions,
  restoreQuestion,
  updateQuestion,
} from './service';

/** Questions: posting, reading, listing, full-text search, editing with revisions, soft delete. */
export const questionRouter = router({
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
    .output(questionOutput)
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
    .output(questionDetailOutput)
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
    .output(pageOutput(questionSummary))
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
    .output(pageOutput(questionSummary))
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
    .output(questionOutput)
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
    .output(z.array(revisionOutput))
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
    .output(okOutput)
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
    .output(questionOutput)
    .mutation(({ ctx, input }) => restoreQuestion(ctx.deps, ctx.user, input.id)),
});
