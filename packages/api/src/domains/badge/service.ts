import {
  type Badge,
  badgeNames,
  FAMOUS_QUESTION_VIEWS,
  isBadge,
  POPULAR_POST_UPVOTES,
  REPUTATION_BADGES,
  toIso,
} from '@devflow/contract';
import { badgesOf, type Executor, awardBadge as insertBadge } from '@devflow/db';
import { siteSettingsIn } from '../../platform/settings';
import { recordNotifications } from '../notification/events';
import { reputationOf } from '../posts/reputation';

/**
 * Awards `badge` to `userId` unless they hold it already, and notifies them (a `badge` notification) —
 * both in `tx`, the transaction of the action that earned it, so a badge exists exactly when its cause
 * committed. Returns whether this call awarded it. The hook every rule below goes through, and the one
 * other domains call (e.g. a first upheld flag).
 */
export async function awardBadge(tx: Executor, userId: number, badge: Badge): Promise<boolean> {
  const awarded = await insertBadge(tx, userId, badge);
  // In-app only: no mail setting covers badges, so a badge notification is never mailed.
  if (awarded) await recordNotifications(tx, [{ userId, actorId: userId, type: 'badge', badge }]);
  return awarded;
}

/** Awards the reputation badges `userId` has reached under the current preset (read in `tx`). */
export async function awardReputationBadges(tx: Executor, userId: number): Promise<Badge[]> {
  const settings = await siteSettingsIn(tx);
  const reputation = await reputationOf(tx, userId, settings.privilegePreset);
  const awarded: Badge[] = [];
  for (const { badge, reputation: needed } of REPUTATION_BADGES) {
    if (reputation >= needed && (await awardBadge(tx, userId, badge))) awarded.push(badge);
  }
  return awarded;
}

/**
 * After an upvote on a post by `authorId` that now has `likes` likes: `popular-post` at
 * `POPULAR_POST_UPVOTES`, and the reputation badges (upvotes raise reputation). Replies earn neither.
 */
export async function awardUpvoteBadges(
  tx: Executor,
  post: { targetType: 'question' | 'answer' | 'reply'; authorId: number; likes: number },
): Promise<void> {
  if (post.targetType === 'reply') return;
  if (post.likes >= POPULAR_POST_UPVOTES) await awardBadge(tx, post.authorId, 'popular-post');
  await awardReputationBadges(tx, post.authorId);
}

/** After a view that brought a question to `viewCount` views: `famous-question` for its author. */
export async function awardViewBadges(
  tx: Executor,
  question: { authorId: number; viewCount: number },
): Promise<boolean> {
  return question.viewCount >= FAMOUS_QUESTION_VIEWS && awardBadge(tx, question.authorId, 'famous-question');
}

/** The badges `userId` holds, in the order of `badgeNames`, for profiles. */
export async function badgesOfUser(
  db: Executor,
  userId: number,
): Promise<{ badge: Badge; awardedAt: string }[]> {
  return toBadges(await badgesOf(db, userId));
}

/**
 * The badges held in `badgesOf`'s rows as a profile lists them: in the order of `badgeNames`, names that
 * are no badge (any more) left out. Exported so the bench's bare twin lists them alike (bench/queries-user.ts).
 */
export function toBadges(rows: { badge: string; awardedAt: Date }[]): { badge: Badge; awardedAt: string }[] {
  const held = new Map<Badge, string>();
  for (const row of rows) if (isBadge(row.badge)) held.set(row.badge, toIso(row.awardedAt));
  return badgeNames.flatMap((badge) => {
    const awardedAt = held.get(badge);
    return awardedAt === undefined ? [] : [{ badge, awardedAt }];
  });
}
