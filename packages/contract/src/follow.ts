import { z } from 'zod';
import { cursorInput, idInput, isoDate, limitInput, pageOutput, userSummary } from './common';

/** Input of `follow.follow`, `follow.unfollow` and `follow.status`. */
export const followUserInput = z.object({ userId: idInput });

/** Output of `follow.follow` / `follow.unfollow`: the caller's state and the followee's follower count. */
export const followStateOutput = z.object({ following: z.boolean(), followers: z.number().int() });

/** Output of `follow.status`. */
export const followStatusOutput = z.object({ following: z.boolean() });

/** Input of `follow.followers` / `follow.following`. */
export const followListInput = z.object({ userId: idInput, cursor: cursorInput, limit: limitInput });

/** A user in a follower/following list, with when the follow started. */
export const followListItem = userSummary.extend({ followedAt: isoDate });

/** Output of `follow.followers` / `follow.following`. */
export const followListOutput = pageOutput(followListItem);
