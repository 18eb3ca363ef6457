import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';

/**
 * How many users follow `userId` and how many they follow, in one statement: two index-only counts on
 * `follows_followee_idx` and the `follows` primary key. For profiles and follow/unfollow answers.
 */
export async function followCounts(
  db: Executor,
  userId: number,
): Promise<{ followers: number; following: number }> {
  const [row] = await queryRows<{ followers: number | string; following: number | string }>(
    db,
    sql`select
          (select count(*) from follows where followee_id = ${userId}) as followers,
          (select count(*) from follows where follower_id = ${userId}) as following`,
  );
  return { followers: Number(row?.followers ?? 0), following: Number(row?.following ?? 0) };
}
