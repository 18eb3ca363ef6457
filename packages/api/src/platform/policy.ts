import type { Privilege } from '@devflow/contract';
import type { Executor } from '@devflow/db';
import type { ApiDeps } from '../deps';
import type { SessionUser } from '../trpc/context';
import { ForbiddenError } from './domain-errors';
import { decidePrivilege } from './privileges';
import { siteSettingsIn } from './settings';

/** A role of the `user_role` enum, as sessions carry it. */
type Role = SessionUser['role'];

const rank: Record<Role, number> = { user: 0, moderator: 1, admin: 2 };

/** True when `role` is at least `needed` (user < moderator < admin). */
export function hasRole(role: Role, needed: Role): boolean {
  return rank[role] >= rank[needed];
}

/** True while `user` is suspended. */
export function isSuspended(user: { suspendedUntil: Date | null }, now = new Date()): boolean {
  return user.suspendedUntil !== null && user.suspendedUntil > now;
}

/** Everything a signed-in user can try to do that is decided by role, ownership or reputation. */
export type Action =
  | 'post.edit'
  | 'post.delete'
  | 'post.restore'
  | 'post.viewDeleted'
  | 'post.like'
  | 'post.dislike'
  | 'reply.create'
  | 'answer.accept'
  | 'user.suspend'
  | 'user.setRole'
  | 'user.list'
  | 'settings.view';

/** What the action is done to: a post's author, a question's author (accept), or a target user. */
export type Resource = {
  authorId?: number;
  questionAuthorId?: number;
  userId?: number;
  userRole?: SessionUser['role'];
};

/** One line of the policy table. */
export type Rule = {
  /** Who may, by role or ownership alone (suspension is checked before). */
  allows: (actor: SessionUser, resource: Resource) => boolean;
  /**
   * The privilege of the reputation table (`packages/contract/src/privilege-table.ts`) that also grants
   * the action: users whose reputation meets its threshold may (moderators have every privilege).
   */
  privilege?: Privilege;
  /** Suspended users keep it (reading moderation views is not writing). */
  whileSuspended?: boolean;
  /** The refusal when neither role, ownership nor a privilege allows it. */
  refusal: string;
};

const moderators = (actor: SessionUser) => hasRole(actor.role, 'moderator');
const nobodyByRole = () => false;

/**
 * The one policy table (SECURITY.md, Authorization): authors edit and delete their own posts; moderators
 * edit, delete and restore anyone's and suspend users; admins also change roles and the site settings;
 * only the question's author accepts an answer; suspended users write nothing. Reputation privileges
 * (`privilege`) open the rest: voting, replying, and editing other people's posts — in the default `team`
 * preset every user votes and replies and editing others' posts stays with moderators, as before.
 */
export const policy: Record<Action, Rule> = {
  'post.edit': {
    allows: (actor, resource) => resource.authorId === actor.id || moderators(actor),
    privilege: 'editOthers',
    refusal: 'Only the author or a moderator can edit this post.',
  },
  'post.delete': {
    allows: (actor, resource) => resource.authorId === actor.id || moderators(actor),
    refusal: 'Only the author or a moderator can delete this post.',
  },
  'post.restore': { allows: moderators, refusal: 'Only moderators can restore deleted posts.' },
  'post.viewDeleted': {
    allows: moderators,
    whileSuspended: true,
    refusal: 'Only moderators can see deleted posts.',
  },
  'post.like': { allows: nobodyByRole, privilege: 'voteUp', refusal: 'Only moderators can upvote.' },
  'post.dislike': { allows: nobodyByRole, privilege: 'voteDown', refusal: 'Only moderators can downvote.' },
  'reply.create': { allows: nobodyByRole, privilege: 'reply', refusal: 'Only moderators can reply.' },
  'answer.accept': {
    allows: (actor, resource) => resource.questionAuthorId === actor.id,
    refusal: 'Only the author of the question can accept an answer.',
  },
  'user.suspend': {
    // Moderators suspend users; nobody suspends themselves or someone of equal or higher rank but an admin.
    allows: (actor, resource) =>
      moderators(actor) &&
      resource.userId !== actor.id &&
      (actor.role === 'admin' || resource.userRole === 'user'),
    refusal: 'You cannot suspend or unsuspend this user.',
  },
  'user.setRole': {
    allows: (actor, resource) => actor.role === 'admin' && resource.userId !== actor.id,
    refusal: 'Only admins can change roles, and not their own.',
  },
  'user.list': { allows: moderators, whileSuspended: true, refusal: 'Only moderators can list accounts.' },
  'settings.view': {
    allows: (actor) => actor.role === 'admin',
    whileSuspended: true,
    refusal: 'Only admins can see the site settings.',
  },
};

/**
 * Whether role or ownership alone allows the action (synchronous: no reputation is read). An action a
 * privilege grants (`policy[action].privilege`) may still be allowed by `assertMay`.
 */
export function can(actor: SessionUser | null, action: Action, resource: Resource = {}): boolean {
  if (!actor) return false;
  const rule = policy[action];
  if (!rule.whileSuspended && isSuspended(actor)) return false;
  return rule.allows(actor, resource);
}

/** Throws `ForbiddenError` with a sentence the user can act on unless `can(...)` allows the action. */
export function assertCan(actor: SessionUser | null, action: Action, resource: Resource = {}): void {
  if (!can(actor, action, resource)) throw new ForbiddenError(policy[action].refusal);
}

/**
 * Throws `ForbiddenError` unless role, ownership or a reputation privilege allows the action: the full
 * policy, reading the site settings and (only when the threshold needs it) the actor's reputation. The
 * refusal names the privilege, its threshold and the actor's reputation ("Downvoting needs 125
 * reputation; you have 12."), or is the rule's sentence when only moderators have the privilege.
 * Pass `db` (the open transaction) when calling inside one.
 */
export async function assertMay(
  deps: Pick<ApiDeps, 'db'>,
  actor: SessionUser,
  action: Action,
  resource: Resource = {},
  db: Executor = deps.db,
): Promise<void> {
  if (can(actor, action, resource)) return;
  const rule = policy[action];
  if (!rule.privilege || (!rule.whileSuspended && isSuspended(actor))) throw new ForbiddenError(rule.refusal);
  const decision = await decidePrivilege(db, await siteSettingsIn(db), actor, rule.privilege);
  if (decision.granted) return;
  throw new ForbiddenError(decision.threshold === null ? rule.refusal : (decision.refusal ?? rule.refusal));
}
