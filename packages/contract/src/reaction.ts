import { z } from 'zod';
import { idInput } from './common';

/** A reaction as the API speaks it. */
export const reactionValue = z.enum(['like', 'dislike']);

/** Every kind of post that can be liked or disliked. */
export const reactionTargetType = z.enum(['question', 'answer', 'reply']);

/** Input of `reaction.set`: `value: null` clears the caller's reaction. */
export const reactionSetInput = z.object({
  targetType: reactionTargetType,
  targetId: idInput,
  value: reactionValue.nullable(),
});

/** Output of `reaction.set`: the post's counters after the change and the caller's reaction. */
export const reactionSetOutput = z.object({
  likes: z.number().int(),
  dislikes: z.number().int(),
  score: z.number().int(),
  mine: reactionValue.nullable(),
});
