import { z } from 'zod';
import { cursorInput, idInput, idOutput, isoDate, limitInput } from './common';
import { POST_BODY_LENGTH } from './limits';

/** A markdown answer body: 20..50,000 characters (surrounding whitespace does not count). */
export const answerBody = z
  .string()
  .trim()
  .min(POST_BODY_LENGTH.min, `an answer needs at least ${POST_BODY_LENGTH.min} characters`)
  .max(POST_BODY_LENGTH.max, `an answer has at most ${POST_BODY_LENGTH.max.toLocaleString('en')} characters`);

/** Input of `answer.create`. */
export const createAnswerInput = z.object({ questionId: idInput, body: answerBody });

/** Input of `answer.update`. */
export const updateAnswerInput = z.object({ id: idInput, body: answerBody });

/** `{ id }` of an answer. */
export const answerIdInput = z.object({ id: idInput });

/** Input of `answer.accept` / `answer.unaccept`. */
export const acceptAnswerInput = z.object({ answerId: idInput });

/** Input of `answer.byUser`: a user's answers, newest first. */
export const answersByUserInput = z.object({ userId: idInput, cursor: cursorInput, limit: limitInput });

/** An answer on a profile page: with its question's id and title, and a plain-text excerpt. */
export const userAnswerItem = z.object({
  id: idOutput,
  questionId: idOutput,
  questionTitle: z.string(),
  excerpt: z.string(),
  createdAt: isoDate,
  likes: z.number().int(),
  dislikes: z.number().int(),
  score: z.number().int(),
  accepted: z.boolean(),
});
