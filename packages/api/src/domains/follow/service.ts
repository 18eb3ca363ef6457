import type {
  followListInput,
  followListOutput,
  followStateOutput,
  followUserInput,
} from '@devflow/contract';
import { toIso } from '@devflow/contract';
import {
  deleteFollow,
  type Executor,
  followCounts,
  insertFollow,
  isFollowing,
  listFollowRows,
  userExists,
} from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { invalidateCommitted } from '../../platform/cache/scopes';
import { BadInputError, NotFoundError } from '../../platform/domain-errors';
import { decodeCursor, timeIdCursor, toPage } from '../../platform/pagination';
import type { SessionUser } from '../../trpc/context';
import { notify } from '../notification/events';
import { toUserSummary } from '../posts/posts';

async function assertUserExists(db: Executor, userId: number): Promise<void> {
  if (!(await userExists(db, userId))) throw new NotFoundError('That user does not exist.');
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
  if (input.userId === actor.id) throw new BadInputError('You cannot follow yourself.');
  const state = await deps.db.transaction(async (tx) => {
    await assertUserExists(tx, input.userId);
    if (await insertFollow(tx, { followerId: actor.id, followeeId: input.userId })) {
      await notify(tx, deps, [{ userId: input.userId, actorId: actor.id, type: 'follow' }]);
    }
    return { following: true, followers: (await followCounts(tx, input.userId)).followers };
  });
  await invalidateCommitted(deps, () => ({ users: [actor.id, input.userId] }));
  return state;
}

/** Stops following a user; idempotent. Unknown user NOT_FOUND. */
export async function unfollowUser(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof followUserInput>,
): Promise<z.infer<typeof followStateOutput>> {
  if (input.userId === actor.id) throw new BadInputError('You cannot unfollow yourself.');
  const state = await deps.db.transaction(async (tx) => {
    await assertUserExists(tx, input.userId);
    await deleteFollow(tx, { followerId: actor.id, followeeId: input.userId });
    return { following: false, followers: (await followCounts(tx, input.userId)).followers };
  });
  await invalidateCommitted(deps, () => ({ users: [actor.id, input.userId] }));
  return state;
}

/** Whether `viewer` follows `userId` (false for anonymous viewers). */
export async function followStatus(
  deps: ApiDeps,
  viewer: SessionUser | null,
  input: z.infer<typeof followUserInput>,
): Promise<{ following: boolean }> {
  if (!viewer) return { following: false };
  return { following: await isFollowing(deps.db, { followerId: viewer.id, followeeId: input.userId }) };
}

/**
 * One page of a user's followers (`direction: 'followers'`) or of the users they follow
 * (`'following'`), newest follow first (`listFollowRows`). An unknown user is NOT_FOUND.
 */
export async function listFollows(
  deps: ApiDeps,
  direction: 'followers' | 'following',
  input: z.infer<typeof followListInput>,
): Promise<z.infer<typeof followListOutput>> {
  const decoded = input.cursor ? decodeCursor(input.cursor, timeIdCursor) : null;
  const cursor = decoded ? { followedAt: decoded[0], userId: decoded[1] } : null;
  const rows = await listFollowRows(deps.db, {
    direction,
    userId: input.userId,
    cursor,
    limit: input.limit + 1,
  });
  if (rows.length === 0 && !cursor) await assertUserExists(deps.db, input.userId);
  return toPage(
    rows,
    input.limit,
    (row) => ({ ...toUserSummary(row), followedAt: toIso(row.followedAt) }),
    (row) => [row.cursorAt, row.id],
  );
}
