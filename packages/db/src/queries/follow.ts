import { and, desc, eq, lt, or, type Placeholder, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import { follows, users } from '../schema';
import { isoMicros } from './rows';

/** Who follows whom: one row of `follows`. */
export type FollowPair = { followerId: number; followeeId: number };

/**
 * The select-list entries `followers` and `following` of `userId`: two index-only counts on
 * `follows_followee_idx` and the `follows` primary key. For queries that report them with other counts.
 */
export function followCountColumns(userId: number | Placeholder): SQL {
  return sql`(select count(*) from follows where followee_id = ${userId}) as followers,
    (select count(*) from follows where follower_id = ${userId}) as following`;
}

/**
 * How many users follow `userId` and how many they follow, in one statement (`followCountColumns`).
 * For profiles and follow/unfollow answers.
 */
export async function followCounts(
  db: Executor,
  userId: number,
): Promise<{ followers: number; following: number }> {
  const [row] = await queryRows<{ followers: number | string; following: number | string }>(
    db,
    sql`select ${followCountColumns(userId)}`,
  );
  return { followers: Number(row?.followers ?? 0), following: Number(row?.following ?? 0) };
}

/** Records that `followerId` follows `followeeId`; true when the row is new, false when it existed. */
export async function insertFollow(db: Executor, pair: FollowPair): Promise<boolean> {
  const inserted = await db
    .insert(follows)
    .values(pair)
    .onConflictDoNothing()
    .returning({ followeeId: follows.followeeId });
  return inserted.length > 0;
}

/** Removes the follow, if any. */
export async function deleteFollow(db: Executor, pair: FollowPair): Promise<void> {
  await db
    .delete(follows)
    .where(and(eq(follows.followerId, pair.followerId), eq(follows.followeeId, pair.followeeId)));
}

/** Whether `followerId` follows `followeeId` (the `follows` primary key). */
export async function isFollowing(db: Executor, pair: FollowPair): Promise<boolean> {
  const [row] = await db
    .select({ id: follows.followeeId })
    .from(follows)
    .where(and(eq(follows.followerId, pair.followerId), eq(follows.followeeId, pair.followeeId)));
  return row !== undefined;
}

/** Where the next page of a follow list starts: the last row's follow time (with microseconds) and user id. */
export type FollowCursor = { followedAt: string; userId: number };

/**
 * One page of a user's followers (`direction: 'followers'`) or of the users they follow
 * (`'following'`): the other user of each follow, newest follow first, keyset on (follows.created_at,
 * other user's id) through `follows_followee_idx` / `follows_follower_idx`; `limit` rows. `cursorAt` is
 * the follow time with microseconds, for the next cursor.
 */
export async function listFollowRows(
  db: Executor,
  params: {
    direction: 'followers' | 'following';
    userId: number;
    cursor: FollowCursor | null;
    limit: number;
  },
) {
  const { direction, userId, cursor, limit } = params;
  const self = direction === 'followers' ? follows.followeeId : follows.followerId;
  const other = direction === 'followers' ? follows.followerId : follows.followeeId;
  const after = cursor
    ? or(
        lt(follows.createdAt, sql`${cursor.followedAt}::timestamptz`),
        and(eq(follows.createdAt, sql`${cursor.followedAt}::timestamptz`), lt(other, cursor.userId)),
      )
    : undefined;
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarUrl: users.avatarUrl,
      followedAt: follows.createdAt,
      cursorAt: isoMicros(follows.createdAt),
    })
    .from(follows)
    .innerJoin(users, eq(users.id, other))
    .where(and(eq(self, userId), after))
    .orderBy(desc(follows.createdAt), desc(other))
    .limit(limit);
}
