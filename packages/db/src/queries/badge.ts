import { asc, eq, type Placeholder } from 'drizzle-orm';
import type { Executor } from '../client';
import { badges } from '../schema';

/**
 * Awards `badge` to `userId` unless they already hold it; true when this call awarded it (so exactly
 * one of concurrent callers notifies). Run it in the transaction of the action that earned the badge.
 */
export async function awardBadge(db: Executor, userId: number, badge: string): Promise<boolean> {
  const rows = await db
    .insert(badges)
    .values({ userId, badge })
    .onConflictDoNothing()
    .returning({ badge: badges.badge });
  return rows.length > 0;
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
