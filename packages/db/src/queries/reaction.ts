import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import { answers, questions, reactions, replies } from '../schema';
import type { PostType } from './post';

/** One user's reaction to one post: the `reactions` primary key. */
export type ReactionKey = { userId: number; targetType: PostType; targetId: number };

const keyOf = (key: ReactionKey) =>
  and(
    eq(reactions.userId, key.userId),
    eq(reactions.targetType, key.targetType),
    eq(reactions.targetId, key.targetId),
  );

/** The user's reaction value (+1 like, -1 dislike) to a post, or null when they have none. */
export async function findReactionValue(db: Executor, key: ReactionKey): Promise<number | null> {
  const [row] = await db.select({ value: reactions.value }).from(reactions).where(keyOf(key));
  return row?.value ?? null;
}

/** The user's reactions to each of `ids` of one post type (absent: none). Reads the primary key. */
export async function reactionsByUser(
  db: Executor,
  params: { userId: number; targetType: PostType; ids: number[] },
) {
  return db
    .select({ targetId: reactions.targetId, value: reactions.value })
    .from(reactions)
    .where(
      and(
        eq(reactions.userId, params.userId),
        eq(reactions.targetType, params.targetType),
        inArray(reactions.targetId, params.ids),
      ),
    );
}

/** Sets the user's reaction to a post (+1 or -1), replacing any earlier one and its time. */
export async function upsertReaction(db: Executor, params: ReactionKey & { value: number }): Promise<void> {
  await upsertReactionQuery(db, params);
}

/** The statement of `upsertReaction`; exported so the bench explains this very SQL (bench/explain.ts). */
export function upsertReactionQuery(db: Executor, params: ReactionKey & { value: number }) {
  return db
    .insert(reactions)
    .values(params)
    .onConflictDoUpdate({
      target: [reactions.userId, reactions.targetType, reactions.targetId],
      set: { value: params.value, createdAt: new Date() },
    });
}

/** Clears the user's reaction to a post. */
export async function deleteReaction(db: Executor, key: ReactionKey): Promise<void> {
  await db.delete(reactions).where(keyOf(key));
}

const counterTable = { question: questions, answer: answers, reply: replies } as const;

/**
 * Moves a post's like and dislike counters by relative amounts (the score by their difference), so
 * concurrent changes add up; returns the new counters, or undefined when the post is gone.
 */
export async function addToReactionCounters(
  db: Executor,
  params: { targetType: PostType; targetId: number; likes: number; dislikes: number },
): Promise<{ likes: number; dislikes: number; score: number } | undefined> {
  const { likes, dislikes } = params;
  const table = counterTable[params.targetType];
  const [updated] = await queryRows<{ likes: number; dislikes: number; score: number }>(
    db,
    sql`update ${table}
        set likes = likes + ${likes}, dislikes = dislikes + ${dislikes}, score = score + ${likes - dislikes}
        where id = ${params.targetId}
        returning likes, dislikes, score`,
  );
  if (!updated) return undefined;
  return { likes: Number(updated.likes), dislikes: Number(updated.dislikes), score: Number(updated.score) };
}
