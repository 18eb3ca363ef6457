import type { SessionUser } from '../trpc/context';
import { ForbiddenError } from './domain-errors';

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

/** Everything a signed-in user can try to do to something that is not simply theirs to create. */
export type Action =
  | 'post.edit'
  | 'post.delete'
  | 'post.restore'
  | 'post.viewDeleted'
  | 'answer.accept'
  | 'user.suspend'
  | 'user.setRole'
  | 'user.list';

/** What the action is done to: a post's author, a question's author (accept), or a target user. */
export type Resource = {
  authorId?: number;
  questionAuthorId?: number;
  userId?: number;
  userRole?: SessionUser['role'];
};

/**
 * The one place that decides "may this actor do this to this resource" (SECURITY.md, Authorization): authors
 * edit and delete their own posts; moderators edit, delete and restore anyone's and suspend users;
 * admins also change roles; only the question's author accepts an answer; suspended users write nothing.
 */
export function can(actor: SessionUser | null, action: Action, resource: Resource = {}): boolean {
  if (!actor) return false;
  // Reading moderation views is not writing: suspended moderators keep it.
  if (action === 'post.viewDeleted' || action === 'user.list') return hasRole(actor.role, 'moderator');
  if (isSuspended(actor)) return false;
  switch (action) {
    case 'post.edit':
    case 'post.delete':
      return resource.authorId === actor.id || hasRole(actor.role, 'moderator');
    case 'post.restore':
      return hasRole(actor.role, 'moderator');
    case 'answer.accept':
      return resource.questionAuthorId === actor.id;
    case 'user.suspend':
      // Moderators suspend users; nobody suspends themselves or someone of equal or higher rank but an admin.
      return (
        hasRole(actor.role, 'moderator') &&
        resource.userId !== actor.id &&
        (actor.role === 'admin' || resource.userRole === 'user')
      );
    case 'user.setRole':
      return actor.role === 'admin' && resource.userId !== actor.id;
  }
}

const refusals: Record<Action, string> = {
  'post.edit': 'Only the author or a moderator can edit this post.',
  'post.delete': 'Only the author or a moderator can delete this post.',
  'post.restore': 'Only moderators can restore deleted posts.',
  'post.viewDeleted': 'Only moderators can see deleted posts.',
  'answer.accept': 'Only the author of the question can accept an answer.',
  'user.suspend': 'You cannot suspend or unsuspend this user.',
  'user.setRole': 'Only admins can change roles, and not their own.',
  'user.list': 'Only moderators can list accounts.',
};

/** Throws `ForbiddenError` with a sentence the user can act on unless `can(...)` allows the action. */
export function assertCan(actor: SessionUser | null, action: Action, resource: Resource = {}): void {
  if (!can(actor, action, resource)) throw new ForbiddenError(refusals[action]);
}
