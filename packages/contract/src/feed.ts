import { z } from 'zod';
import { idOutput, isoDate, pageInput, pageOutput, userSummary } from './common';

/** Input of `feed.list`. */
export const feedListInput = pageInput;

/** A question or answer by someone the caller follows. */
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
