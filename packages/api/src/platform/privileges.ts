import {
  type Privilege,
  privilegeRefusal,
  type SiteSettings,
  type Threshold,
  thresholdOf,
} from '@devflow/contract';
import type { Executor } from '@devflow/db';
import type { ApiDeps } from '../deps';
import { reputationOf } from '../domains/posts/reputation';
import type { SessionUser } from '../trpc/context';
import { ForbiddenError } from './domain-errors';
import { hasRole, isSuspended } from './policy';
import { getSiteSettings } from './settings';

/** What deciding a privilege needs: the database (settings, reputation) and a logger. */
type Deps = Pick<ApiDeps, 'db' | 'log'>;

/** Why a privilege was granted or refused, for callers that explain it (`user.privileges`, refusals). */
export type PrivilegeDecision = {
  granted: boolean;
  threshold: Threshold;
  reputation: number;
  /** Set when refused: the sentence to show ("Downvoting needs 125 reputation; you have 12."). */
  refusal: string | null;
};

/** The message suspended users get for any write (the same sentence `writerProcedure` uses). */
export function suspendedMessage(actor: Pick<SessionUser, 'suspendedUntil'>): string {
  return `Your account is suspended until ${actor.suspendedUntil?.toISOString()}; you can read but not post.`;
}

/**
 * Decides `privilege` for `actor` under `settings` (read once by the caller): moderators and admins have
 * every privilege; suspended users have none; everyone else needs the threshold's reputation (a `null`
 * threshold: moderators only). Reputation is computed only when the threshold needs it, unless the
 * caller already knows it (`knownReputation`, under `settings`' preset).
 */
export async function decidePrivilege(
  db: Executor,
  settings: SiteSettings,
  actor: SessionUser,
  privilege: Privilege,
  knownReputation?: number,
): Promise<PrivilegeDecision> {
  const threshold = thresholdOf(settings, privilege);
  if (isSuspended(actor)) {
    return { granted: false, threshold, reputation: 0, refusal: suspendedMessage(actor) };
  }
  if (hasRole(actor.role, 'moderator')) return { granted: true, threshold, reputation: 0, refusal: null };
  if (threshold === null) {
    return { granted: false, threshold, reputation: 0, refusal: privilegeRefusal(privilege, null, 0) };
  }
  if (threshold <= 0) return { granted: true, threshold, reputation: 0, refusal: null };
  const reputation = knownReputation ?? (await reputationOf(db, actor.id, settings.privilegePreset));
  const granted = reputation >= threshold;
  return {
    granted,
    threshold,
    reputation,
    refusal: granted ? null : privilegeRefusal(privilege, threshold, reputation),
  };
}

/**
 * Whether `actor` has `privilege` under the current settings (`getSiteSettings`). Pass `db` when calling
 * inside a transaction.
 */
export async function hasPrivilege(
  deps: Deps,
  actor: SessionUser,
  privilege: Privilege,
  db: Executor = deps.db,
): Promise<boolean> {
  return (await decidePrivilege(db, await getSiteSettings(deps, db), actor, privilege)).granted;
}

/**
 * Throws `ForbiddenError` unless `actor` has `privilege`, with a message naming the privilege, the
 * threshold and the user's reputation ("Downvoting needs 125 reputation; you have 12."), or the
 * suspension. Pass `db` when calling inside a transaction.
 */
export async function requirePrivilege(
  deps: Deps,
  actor: SessionUser,
  privilege: Privilege,
  db: Executor = deps.db,
): Promise<void> {
  const decision = await decidePrivilege(db, await getSiteSettings(deps, db), actor, privilege);
  if (decision.refusal !== null) throw new ForbiddenError(decision.refusal);
}
