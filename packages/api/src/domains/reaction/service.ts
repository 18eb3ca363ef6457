import type { reactionSetInput, reactionSetOutput } from '@devflow/contract';
import { addToReactionCounters, deleteReaction, findReactionValue, upsertReaction } from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { invalidateCommitted, mergeChanged, reactionScope } from '../../platform/cache/scopes';
import { ForbiddenError } from '../../platform/domain-errors';
import { assertMay } from '../../platform/policy';
import type { SessionUser } from '../../trpc/context';
import { awardUpvoteBadges } from '../badge/service';
import { notFound, reactionName, requireLivePost } from '../posts/posts';

const reactionNumber = (value: 'like' | 'dislike' | null): number =>
  value === 'like' ? 1 : value === 'dislike' ? -1 : 0;

/**
 * Likes, dislikes or clears (`value: null`) the caller's reaction on a post — one reaction per user and
 * post — and updates the post's counters in the same transaction.
 *
 * Exact under concurrency: the post's row is locked first (`FOR UPDATE`), so reactions to one post
 * apply one at a time and each reads the caller's previous reaction reliably; the counters then move
 * by relative increments computed from the old and new value. Every transaction locks the post, then
 * the caller's reaction row — one order, so no deadlocks. Authors cannot react to their own posts.
 * Liking needs the `voteUp` privilege, disliking `voteDown` (policy `post.like` / `post.dislike`); an
 * upvote awards the author's badges it earns (`popular-post`, reputation) in the same transaction.
 */
export async function setReaction(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof reactionSetInput>,
): Promise<z.infer<typeof reactionSetOutput>> {
  const { targetType, targetId } = input;
  const next = reactionNumber(input.value);
  // Clearing your reaction needs no privilege: you keep the right to take back a vote.
  if (input.value !== null)
    await assertMay(deps, actor, input.value === 'like' ? 'post.like' : 'post.dislike');
  const result = await deps.db.transaction(async (tx) => {
    const post = await requireLivePost(tx, targetType, targetId, { lock: true });
    if (post.authorId === actor.id) {
      throw new ForbiddenError('You cannot like or dislike your own post.');
    }
    const key = { userId: actor.id, targetType, targetId };
    const previous = (await findReactionValue(tx, key)) ?? 0;
    const counters = { likes: post.likes, dislikes: post.dislikes, score: post.score };
    if (previous === next) return { ...counters, mine: reactionName(next) };
    if (next === 0) await deleteReaction(tx, key);
    else await upsertReaction(tx, { ...key, value: next });
    const updated = await addToReactionCounters(tx, {
      targetType,
      targetId,
      likes: Number(next === 1) - Number(previous === 1),
      dislikes: Number(next === -1) - Number(previous === -1),
    });
    if (!updated) throw notFound(targetType);
    if (next === 1)
      await awardUpvoteBadges(tx, { targetType, authorId: post.authorId, likes: updated.likes });
    return { ...updated, mine: reactionName(next) };
  });
  // The voter's profile too: downvoting an answer costs the voter reputation in the community preset.
  await invalidateCommitted(deps, async () =>
    mergeChanged(await reactionScope(deps, input), { users: [actor.id] }),
  );
  return result;
}
