import { asc, eq, type Placeholder } from 'drizzle-orm';
import type { Executor } from '../client';
import { badges } from '../schema';

/**
 * Awards `badge` to `userId` unless they already hold it; true when this call awarded it (so exactly
 * one of concurrent callers notifies). Run it in the transaction of the action that earned the badge.
 */
export async function awardBadge(db: Executor, userId: number, badge: string): Promise<boolean> {
  const rows = await awardBadgeQuery(db, { userId, badge });
  return rows.length > 0;
}

/**
 * The statement of `awardBadge`: a row back when it awarded the badge. Exported so the bench's bare twin
 * sends the very statement (bench/write-twins.ts).
 */
export function awardBadgeQuery(
  db: Executor,
  params: { userId: number | Placeholder; badge: string | Placeholder },
) {
  return db
    .insert(badges)
    .values({ userId: params.userId, badge: params.badge })
    .onConflictDoNothing()
    .returning({ badge: badges.badge });
}

/** The badges `userId` holds, oldest first (`badges_awarded_idx`). */
export async function badgesOf(db: Executor, userId: number): Promise<{ badge: string; awardedAt: Date }[]> {
  return badgesOfQuery(db, userId);
}

/** The columns of a badge held (`badgesOfQuery`). Exported so the bench's bare twin maps its rows alike. */
export const badgeHeldColumns = { badge: badges.badge, awardedAt: badges.awardedAt };

/**
 * The select of `badgesOf`. Exported so the bench's bare twin sends the very statement `user.byUsername`
 * sends (bench/queries-user.ts).
 */
export function badgesOfQuery(db: Executor, userId: number | Placeholder) {
  return db
    .select(badgeHeldColumns)
    .from(badges)
    .where(eq(badges.userId, userId))
    .orderBy(asc(badges.awardedAt), asc(badges.badge));
}
