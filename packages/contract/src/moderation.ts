import { z } from 'zod';
import { cursorInput, idInput, idOutput, isoDate, limitInput, userSummary } from './common';
import { FLAG_NOTE_MAX } from './limits';
import { FLAG_REASON_LABELS } from './messages';
import { closedInfo, closeReason, questionBody, questionTitle, tagsInput } from './question';

/** The kinds of post a flag can be raised on. */
export const flagTargetType = z.enum(['question', 'answer', 'reply']);

/** Why a post is flagged; `spam` and `rude` count towards hiding it (`flagsToHide` distinct users). */
export const flagReason = z.enum(
  Object.keys(FLAG_REASON_LABELS) as ['spam', 'rude', 'off-topic', 'duplicate', 'needs-moderator'],
);

/** Input of `flag.create`. */
export const flagCreateInput = z.object({
  targetType: flagTargetType,
  targetId: idInput,
  reason: flagReason,
  note: z.string().trim().max(FLAG_NOTE_MAX, `a note has at most ${FLAG_NOTE_MAX} characters`).optional(),
});

/** A flag as its author sees it; `postHidden` says whether the post is now hidden pending review. */
export const flagOutput = z.object({
  id: idOutput,
  targetType: flagTargetType,
  targetId: idOutput,
  reason: flagReason,
  note: z.string().nullable(),
  status: z.enum(['open', 'upheld', 'dismissed']),
  createdAt: isoDate,
  postHidden: z.boolean(),
});

/** The review queues. */
export const reviewQueueName = z.enum(['flags', 'first-posts', 'suggested-edits', 'close-votes']);

/** Every decision a reviewer can take; each item lists the ones that fit it (`actions`). */
export const reviewAction = z.enum([
  'dismiss',
  'delete',
  'restore',
  'approve',
  'reject',
  'close',
  'leave-open',
  'reopen',
  'leave-closed',
]);

/** Input of `review.list`: one queue (or all), open items (oldest first) or decided ones (newest first). */
export const reviewListInput = z.object({
  queue: reviewQueueName.optional(),
  state: z.enum(['open', 'resolved']).default('open'),
  cursor: cursorInput,
  limit: limitInput,
});

/** The post a review item is about. */
export const reviewTarget = z.object({
  type: flagTargetType,
  id: idOutput,
  /** The question the post belongs to (a question's own id; null for a reply under a missing post). */
  questionId: idOutput.nullable(),
  /** The question's title (a question, or an answer's or reply's question). */
  title: z.string().nullable(),
  /** The post's text in markdown. */
  body: z.string(),
  author: userSummary.nullable(),
  deleted: z.boolean(),
  hidden: z.boolean(),
  closed: z.boolean(),
});

/** A suggested edit as a reviewer sees it: what was proposed, what it was made against, and the post now. */
export const suggestedEditView = z.object({
  id: idOutput,
  author: userSummary,
  comment: z.string().nullable(),
  proposed: z.object({
    title: z.string().nullable(),
    body: z.string(),
    tags: z.array(z.string()).nullable(),
  }),
  base: z.object({ title: z.string().nullable(), body: z.string(), tags: z.array(z.string()).nullable() }),
  current: z.object({ title: z.string().nullable(), body: z.string(), tags: z.array(z.string()).nullable() }),
  /** The post changed after the suggestion was made: approving needs `confirm: true`. */
  stale: z.boolean(),
  state: z.enum(['pending', 'approved', 'rejected']),
});

/** One item of a review queue, with what fits it and, once decided, the decision. */
export const reviewItem = z.object({
  id: idOutput,
  queue: reviewQueueName,
  createdAt: isoDate,
  target: reviewTarget,
  /** Open and past flags on the post, by reason (flags queue). */
  flags: z.array(z.object({ reason: flagReason, count: z.number().int(), notes: z.array(z.string()) })),
  /** Active close votes, by reason (close-votes queue). */
  closeVotes: z.array(z.object({ reason: closeReason, count: z.number().int() })),
  /** Active reopen votes on a closed question (close-votes queue). */
  reopenVotes: z.number().int(),
  suggestedEdit: suggestedEditView.nullable(),
  /** The actions `review.resolve` accepts for this item (empty once decided). */
  actions: z.array(reviewAction),
  decision: z.object({ action: reviewAction, by: userSummary, at: isoDate }).nullable(),
});

/** Input of `review.resolve`. `confirm` approves a suggested edit although the post changed since. */
export const reviewResolveInput = z.object({
  id: idInput,
  action: reviewAction,
  confirm: z.boolean().optional(),
});

/** Input of `question.close`: `duplicateOfId` exactly when the reason is `duplicate`. */
export const questionCloseInput = z
  .object({ id: idInput, reason: closeReason, duplicateOfId: idInput.optional() })
  .superRefine((value, ctx) => {
    if (value.reason === 'duplicate' && value.duplicateOfId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['duplicateOfId'], message: 'name the original question' });
    }
    if (value.reason !== 'duplicate' && value.duplicateOfId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['duplicateOfId'],
        message: 'only a duplicate names an original question',
      });
    }
  });

/** Input of `question.reopen`. */
export const questionReopenInput = z.object({ id: idInput });

/** What a close or reopen call did: the closure now, and the votes counted towards the next change. */
export const closeOutcome = z.object({
  questionId: idOutput,
  closed: closedInfo.nullable(),
  /** Active votes of the kind just cast (0 after the question changed state). */
  votes: z.number().int(),
  votesNeeded: z.number().int(),
});

/** Input of `question.similar`: the title being typed. */
export const questionSimilarInput = z.object({
  title: z.string().trim().min(1, 'type a title first').max(300, 'a title has at most 300 characters'),
});

/** Most questions `question.similar` returns. */
export const SIMILAR_MAX = 5;

/** A question similar to a title being typed. */
export const similarQuestion = z.object({
  id: idOutput,
  title: z.string(),
  answerCount: z.number().int(),
  score: z.number().int(),
  hasAcceptedAnswer: z.boolean(),
  closed: z.boolean(),
});

/** Input of `edit.suggest`: the fields to change (title and tags only on questions). */
export const suggestEditInput = z
  .object({
    targetType: z.enum(['question', 'answer']),
    targetId: idInput,
    title: questionTitle.optional(),
    body: questionBody.optional(),
    tags: tagsInput.optional(),
    comment: z
      .string()
      .trim()
      .max(FLAG_NOTE_MAX, `a comment has at most ${FLAG_NOTE_MAX} characters`)
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.title === undefined && value.body === undefined && value.tags === undefined) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: 'change the title, the body or the tags' });
    }
    if (value.targetType === 'answer' && (value.title !== undefined || value.tags !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['title'], message: 'an answer has no title or tags' });
    }
  });

/** A suggested edit as its author sees it after proposing it. */
export const suggestedEditOutput = z.object({
  id: idOutput,
  targetType: z.enum(['question', 'answer']),
  targetId: idOutput,
  state: z.enum(['pending', 'approved', 'rejected']),
  createdAt: isoDate,
});
