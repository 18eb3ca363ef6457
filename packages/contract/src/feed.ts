import { z } from 'zod';
import { cursorInput, idOutput, isoDate, limitInput, pageOutput, userSummary } from './common';

/**
 * Where feed items come from: people you follow, new questions in tags you watch, new answers on
 * questions you watch, or all of them (each post once).
 */
export const feedSource = z.enum(['all', 'people', 'tags', 'questions']);

/** Input of `feed.list`. A cursor belongs to the source it was read from. */
export const feedListInput = z.object({
  cursor: cursorInput,
  limit: limitInput,
  source: feedSource.default('all'),
});

/** A question or answer by someone the caller follows, in a tag or on a question the caller watches. */
export const feedItem = z.object({
  type: z.enum(['question', 'answer']),
  id: idOutput,
  questionId: idOutput,
  /** The question's title (for an answer: the title of the question it answers). */
  title: z.string(),
  /** Plain text, at most 200 characters. */
  excerpt: z.string(),
  author: userSummary,
  createdAt: isoDate,
  score: z.number().int(),
  /** Questions only. */
  answerCount: z.number().int().optional(),
});

/** Output of `feed.list`. */
export const feedListOutput = pageOutput(feedItem);
