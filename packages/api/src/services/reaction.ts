import { answers, queryRows, questions, reactions, replies } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { SessionUser } from '../context';
import type { ApiDeps } from '../deps';
import type { reactionSetInput, reactionSetOutput } from '../schemas/reaction';
import { notFound, requireLivePost } from './posts';

/** A reaction value (+1/-1) as the API names it. */
export function reactionName(value: number | null | undefined): 'like' | 'dislike' | null {
  if (value === 1) return 'like';
  if (value === -1) return 'dislike';
  return null;
}

const counterTable = { question: questions, answer: answers, reply: replies } as const;

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
 */
export async function setReaction(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof reactionSetInput>,
): Promise<z.infer<typeof reactionSetOutput>> {
  const { targetType, targetId } = input;
  const next = reactionNumber(input.value);
  return deps.db.transaction(async (tx) => {
    const post = await requireLivePost(tx, targetType, targetId, { lock: true });
    if (post.authorId === actor.id) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'You cannot like or dislike your own post.' });
    }
    const key = and(
      eq(reactions.userId, actor.id),
      eq(reactions.targetType, targetType),
      eq(reactions.targetId, targetId),
    );
    const [old] = await tx.select({ value: reactions.value }).from(reactions).where(key);
    const previous = old?.value ?? 0;
    const counters = { likes: post.likes, dislikes: post.dislikes, score: post.score };
    if (previous === next) return { ...counters, mine: reactionName(next) };
    if (next === 0) {
      await tx.delete(reactions).where(key);
    } else {
      await tx
        .insert(reactions)
        .values({ userId: actor.id, targetType, targetId, value: next })
        .onConflictDoUpdate({
          target: [reactions.userId, reactions.targetType, reactions.targetId],
          set: { value: next, createdAt: new Date() },
        });
    }
    const likes = Number(next === 1) - Number(previous === 1);
    const dislikes = Number(next === -1) - Number(previous === -1);
    const table = counterTable[targetType];
    const [updated] = await queryRows<{ likes: number; dislikes: number; score: number }>(
      tx,
      sql`update ${table}
          set likes = likes + ${likes}, dislikes = dislikes + ${dislikes}, score = score + ${likes - dislikes}
          where id = ${targetId}
          returning likes, dislikes, score`,
    );
    if (!updated) throw notFound(targetType);
    return {
      likes: Number(updated.likes),
      dislikes: Number(updated.dislikes),
      score: Number(updated.score),
      mine: reactionName(next),
    };
  });
}
