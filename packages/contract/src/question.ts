import { z } from 'zod';
import { cursorInput, idInput, idOutput, isoDate, limitInput, queryBoolean, userSummary } from './common';
import { POST_BODY_LENGTH, TAG_MAX_LENGTH, TAGS_COUNT, TITLE_LENGTH } from './limits';

/**
 * A tag slug as users type it: trimmed and lowercased, then letters and digits with inner `-` `.` `+`
 * `#` (`c++`, `c#`, `node.js`, `vue-3`); it may not start with a symbol or end with `-` or `.`.
 */
export const tagSlug = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'a tag cannot be empty')
  .max(TAG_MAX_LENGTH, `a tag has at most ${TAG_MAX_LENGTH} characters`)
  .regex(
    /^[a-z0-9](?:[a-z0-9.+#-]*[a-z0-9+#])?$/,
    'a tag is lowercase letters and digits, with - . + # only inside',
  );

/**
 * 1..5 distinct tags, normalized (first spelling wins the order). The limits apply to the list as sent,
 * so the OpenAPI document states the rule a client must follow (`minItems` 1, `maxItems` 5,
 * `uniqueItems`); a repeated tag (`react`, `React `) is merged rather than refused.
 */
export const tagsInput = z
  .array(tagSlug)
  .min(TAGS_COUNT.min, 'add at least one tag')
  .max(TAGS_COUNT.max, `at most ${TAGS_COUNT.max} tags`)
  .transform((slugs) => [...new Set(slugs)])
  .meta({ uniqueItems: true });

/** A question title: 10..200 characters after trimming. */
export const questionTitle = z
  .string()
  .trim()
  .min(TITLE_LENGTH.min, `a title needs at least ${TITLE_LENGTH.min} characters`)
  .max(TITLE_LENGTH.max, `a title has at most ${TITLE_LENGTH.max} characters`);

/** A markdown question body: 20..50,000 characters (surrounding whitespace does not count). */
export const questionBody = z
  .string()
  .trim()
  .min(POST_BODY_LENGTH.min, `a question needs at least ${POST_BODY_LENGTH.min} characters`)
  .max(
    POST_BODY_LENGTH.max,
    `a question has at most ${POST_BODY_LENGTH.max.toLocaleString('en')} characters`,
  );

/** Input of `question.create`. */
export const createQuestionInput = z.object({ title: questionTitle, body: questionBody, tags: tagsInput });

/** Input of `question.update`: only the fields given change. */
export const updateQuestionInput = z.object({
  id: idInput,
  title: questionTitle.optional(),
  body: questionBody.optional(),
  tags: tagsInput.optional(),
});

/** `{ id }` of a question. */
export const questionIdInput = z.object({ id: idInput });

/** Sort orders of `question.list`. */
export const questionSort = z.enum(['newest', 'top', 'unanswered', 'active']);

/** Input of `question.list`. `deleted: true` lists soft-deleted questions (moderators only). */
export const listQuestionsInput = z.object({
  sort: questionSort.default('newest'),
  tag: tagSlug.optional(),
  authorId: idInput.optional(),
  deleted: queryBoolean.prefault(false),
  cursor: cursorInput,
  limit: limitInput,
});

/** Longest accepted search text. */
export const SEARCH_MAX_LENGTH = 10_000;

/** Input of `question.search`: any text (operators and quotes are read as words, never as syntax). */
export const searchQuestionsInput = z.object({
  q: z
    .string()
    .trim()
    .min(1, 'type something to search for')
    .max(SEARCH_MAX_LENGTH, `a search has at most ${SEARCH_MAX_LENGTH.toLocaleString('en')} characters`),
  cursor: cursorInput,
  limit: limitInput,
});

/** `'like' | 'dislike' | null`: the caller's reaction to a post. */
export const myReaction = z.enum(['like', 'dislike']).nullable();

/** An answer as shown under its question. */
export const answerOutput = z.object({
  id: idOutput,
  questionId: idOutput,
  body: z.string(),
  bodyHtml: z.string(),
  author: userSummary,
  createdAt: isoDate,
  updatedAt: isoDate,
  likes: z.number().int(),
  dislikes: z.number().int(),
  score: z.number().int(),
  accepted: z.boolean(),
  myReaction,
  deleted: z.boolean(),
});

/** A question with its counters, tags and the caller's reaction. */
export const questionOutput = z.object({
  id: idOutput,
  title: z.string(),
  body: z.string(),
  bodyHtml: z.string(),
  tags: z.array(z.string()),
  author: userSummary,
  createdAt: isoDate,
  updatedAt: isoDate,
  lastActivityAt: isoDate,
  likes: z.number().int(),
  dislikes: z.number().int(),
  score: z.number().int(),
  answerCount: z.number().int(),
  viewCount: z.number().int(),
  acceptedAnswerId: idOutput.nullable(),
  myReaction,
  deleted: z.boolean(),
});

/** `question.byId`: the question with its answers, accepted first, then by score, then oldest. */
export const questionDetailOutput = questionOutput.extend({ answers: z.array(answerOutput) });

/** A question in a list: no body, a plain-text excerpt instead. */
export const questionSummary = z.object({
  id: idOutput,
  title: z.string(),
  excerpt: z.string(),
  tags: z.array(z.string()),
  author: userSummary,
  createdAt: isoDate,
  lastActivityAt: isoDate,
  likes: z.number().int(),
  dislikes: z.number().int(),
  score: z.number().int(),
  answerCount: z.number().int(),
  viewCount: z.number().int(),
  hasAcceptedAnswer: z.boolean(),
});

/** One saved version of a question or answer. Answers have no title or tags (null). */
export const revisionOutput = z.object({
  id: idOutput,
  editor: userSummary,
  createdAt: isoDate,
  title: z.string().nullable(),
  body: z.string(),
  tags: z.array(z.string()).nullable(),
});
