import { type Executor, followCounts, follows, isoMicros, users } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { SessionUser } from '../context';
import type { ApiDeps } from '../deps';
import { toId, toIso } from '../schemas/common';
import type {
  followListInput,
  followListOutput,
  followStateOutput,
  followUserInput,
} from '../schemas/follow';
import { notify } from './notification-events';
import { decodeCursor, timeIdCursor, toPage } from './pagination';

async function assertUserExists(db: Executor, userId: number): Promise<void> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'That user does not exist.' });
}

/**
 * Follows a user. Idempotent: following twice leaves one row (`ON CONFLICT DO NOTHING`), and only a new
 * follow notifies the followee. Following yourself is BAD_REQUEST; an unknown user NOT_FOUND.
 */
export async function followUser(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof followUserInput>,
): Promise<z.infer<typeof followStateOutput>> {
  if (input.userId === actor.id) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot follow yourself.' });
  }
  return deps.db.transaction(async (tx) => {
    await assertUserExists(tx, input.userId);
    const inserted = await tx
      .insert(follows)
      .values({ followerId: actor.id, followeeId: input.userId })
      .onConflictDoNothing()
      .returning({ followeeId: follows.followeeId });
    if (inserted.length > 0) {
      await notify(tx, [{ userId: input.userId, actorId: actor.id, type: 'follow' }]);
    }
    return { following: true, followers: (await followCounts(tx, input.userId)).followers };
  });
}

/** Stops following a user; idempotent. Unknown user NOT_FOUND. */
export async function unfollowUser(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof followUserInput>,
): Promise<z.infer<typeof followStateOutput>> {
  if (input.userId === actor.id) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot unfollow yourself.' });
  }
  return deps.db.transaction(async (tx) => {
    await assertUserExists(tx, input.userId);
    await tx
      .delete(follows)
      .where(and(eq(follows.followerId, actor.id), eq(follows.followeeId, input.userId)));
    return { following: false, followers: (await followCounts(tx, input.userId)).followers };
  });
}

/** Whether `viewer` follows `userId` (false for anonymous viewers). */
export async function followStatus(
  deps: ApiDeps,
  viewer: SessionUser | null,
  input: z.infer<typeof followUserInput>,
): Promise<{ following: boolean }> {
  if (!viewer) return { following: false };
  const [row] = await deps.db
    .select({ id: follows.followeeId })
    .from(follows)
    .where(and(eq(follows.followerId, viewer.id), eq(follows.followeeId, input.userId)));
  return { following: row !== undefined };
}

/**
 * One page of a user's followers (`direction: 'followers'`) or of the users they follow
 * (`'following'`), newest follow first, keyset on (follows.created_at, other user's id) through
 * `follows_followee_idx` / `follows_follower_idx`.
 */
export async function listFollows(
  deps: ApiDeps,
  direction: 'followers' | 'following',
  input: z.infer<typeof followListInput>,
): Promise<z.infer<typeof followListOutput>> {
  const self = direction === 'followers' ? follows.followeeId : follows.followerId;
  const other = direction === 'followers' ? follows.followerId : follows.followeeId;
  const cursor = input.cursor ? decodeCursor(input.cursor, timeIdCursor) : null;
  const after = cursor
    ? or(
        lt(follows.createdAt, sql`${cursor[0]}::timestamptz`),
        and(eq(follows.createdAt, sql`${cursor[0]}::timestamptz`), lt(other, cursor[1])),
      )
    : undefined;
  const rows = await deps.db
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
    .where(and(eq(self, input.userId), after))
    .orderBy(desc(follows.createdAt), desc(other))
    .limit(input.limit + 1);
  if (rows.length === 0 && !cursor) await assertUserExists(deps.db, input.userId);
  return toPage(
    rows,
    input.limit,
    (row) => ({
      id: toId(row.id),
      username: row.username,
      displayName: row.displayName,
      avatarUrl: row.avatarUrl,
      followedAt: toIso(row.followedAt),
    }),
    (row) => [row.cursorAt, row.id],
  );
}
