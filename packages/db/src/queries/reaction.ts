import { and, eq, inArray, Placeholder, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import { answers, questions, reactions, replies } from '../schema';
import type { PostType } from './post';

/** One user's reaction to one post: the `reactions` primary key. */
export type ReactionKey = { userId: number; targetType: PostType; targetId: number };

/** A reaction key whose values may be placeholders (the bench's twins bind them per request). */
export type ReactionKeyParams = {
  userId: number | Placeholder;
  targetType: PostType | Placeholder;
  targetId: number | Placeholder;
};

const keyOf = (key: ReactionKeyParams) =>
  and(
    eq(reactions.userId, key.userId),
    eq(reactions.targetType, key.targetType),
    eq(reactions.targetId, key.targetId),
  );

/** The user's reaction value (+1 like, -1 dislike) to a post, or null when they have none. */
export async function findReactionValue(db: Executor, key: ReactionKey): Promise<number | null> {
  const [row] = await findReactionValueQuery(db, key);
  return row?.value ?? null;
}

/**
 * The statement of `findReactionValue`. Exported so the bench's bare twin sends the very statement
 * (bench/write-twins.ts).
 */
export function findReactionValueQuery(db: Executor, key: ReactionKeyParams) {
  return db.select({ value: reactions.value }).from(reactions).where(keyOf(key));
}

/**
 * The user's reactions to each of `ids` of one post type (absent: none). Reads the primary key. A query
 * builder: the bench's bare twin sends this very statement (bench/write-twins.ts).
 */
export function reactionsByUser(
  db: Executor,
  params: {
    userId: number | Placeholder;
    targetType: PostType | Placeholder;
    ids: readonly (number | Placeholder)[];
  },
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
  await upsertReactionQuery(db, { ...params, at: new Date() });
}

/**
 * The statement of `upsertReaction` (`at`: the time a replaced reaction takes); exported so the bench
 * explains this very SQL (bench/explain.ts) and its bare twin sends it (bench/write-twins.ts).
 */
export function upsertReactionQuery(
  db: Executor,
  params: ReactionKeyParams & { value: number | Placeholder; at: Date | Placeholder },
) {
  const { at, ...row } = params;
  return db
    .insert(reactions)
    .values(row)
    .onConflictDoUpdate({
      target: [reactions.userId, reactions.targetType, reactions.targetId],
      // `set` takes no placeholder: a bound value goes in as a parameter of its own, the same `$n`.
      set: {
        value: params.value instanceof Placeholder ? sql`${params.value}` : params.value,
        createdAt: at instanceof Placeholder ? sql`${at}` : at,
      },
    });
}

/** Clears the user's reaction to a post. */
export async function deleteReaction(db: Executor, key: ReactionKey): Promise<void> {
  await deleteReactionQuery(db, key);
}

/**
 * The statement of `deleteReaction`. Exported so the bench's bare twin sends the very statement
 * (bench/write-twins.ts).
 */
export function deleteReactionQuery(db: Executor, key: ReactionKeyParams) {
  return db.delete(reactions).where(keyOf(key));
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
  const [updated] = await queryRows<{ likes: number; dislikes: number; score: number }>(
    db,
    addToReactionCountersQuery({ ...params, score: likes - dislikes }),
  );
  if (!updated) return undefined;
  return { likes: Number(updated.likes), dislikes: Number(updated.dislikes), score: Number(updated.score) };
}

/**
 * The statement of `addToReactionCounters` (`score`: the change of the score, likes minus dislikes); its
 * columns, in order: `likes`, `dislikes`, `score`. Exported so the bench's bare twin sends the very
 * statement (bench/write-twins.ts).
 */
export function addToReactionCountersQuery(params: {
  targetType: PostType;
  targetId: number | Placeholder;
  likes: number | Placeholder;
  dislikes: number | Placeholder;
  score: number | Placeholder;
}): SQL {
  const table = counterTable[params.targetType];
  return sql`update ${table}
        set likes = likes + ${params.likes}, dislikes = dislikes + ${params.dislikes}, score = score + ${params.score}
        where id = ${params.targetId}
        returning likes, dislikes, score`;
}
