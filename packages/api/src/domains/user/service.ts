import type {
  profileOutput,
  setRoleInput,
  suspendInput,
  unsuspendInput,
  updateProfileInput,
  userListInput,
  userListOutput,
  userPrivilegesOutput,
} from '@devflow/contract';
import { privilegeNames, toId, toIso } from '@devflow/contract';
import {
  type Executor,
  findUserById,
  findUserByUsername,
  listUserRows,
  type ProfileCounts,
  profileCounts,
  type UserChanges,
  type UserRow,
  updateUser,
} from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { cacheKeys, pageCacheEnabled, readThrough } from '../../platform/cache/cached';
import { invalidateCommitted } from '../../platform/cache/scopes';
import { NotFoundError } from '../../platform/domain-errors';
import { renderMarkdown } from '../../platform/markdown';
import { decodeCursor, idCursor, toPage } from '../../platform/pagination';
import { assertCan } from '../../platform/policy';
import { decidePrivilege } from '../../platform/privileges';
import { siteSettingsIn } from '../../platform/settings';
import type { SessionUser } from '../../trpc/context';
import { refreshUserSessions } from '../auth/session';
import { badgesOfUser } from '../badge/service';
import { toUserSummary } from '../posts/posts';
import { reputationOf } from '../posts/reputation';

/** A public profile as `user.byUsername` returns it. */
export type Profile = z.infer<typeof profileOutput>;

/** How long a suspension lasts when the moderator names no end. */
export const DEFAULT_SUSPENSION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The profile of an account: its public fields, follower/following counts, its non-deleted questions
 * and answers (`profileCounts`, one statement), its reputation under the current preset
 * (`domains/posts/reputation.ts`) and its badges.
 */
export async function profileOf(db: Executor, row: UserRow): Promise<Profile> {
  const counts = await profileCounts(db, row.id);
  const settings = await siteSettingsIn(db);
  const reputation = await reputationOf(db, row.id, settings.privilegePreset);
  return toProfile(row, counts, reputation, await badgesOfUser(db, row.id));
}

/**
 * A profile from what `profileOf` read: the account's row, its counts, its reputation and its badges.
 * Exported so the bench's bare twin of `user.byUsername` shapes its rows alike (bench/queries-user.ts).
 */
export function toProfile(
  row: UserRow,
  counts: ProfileCounts,
  reputation: number,
  badges: Profile['badges'],
): Profile {
  return {
    id: toId(row.id),
    username: row.username,
    displayName: row.displayName,
    bio: row.bio,
    bioHtml: row.bioHtml,
    avatarUrl: row.avatarUrl,
    role: row.role,
    createdAt: toIso(row.createdAt),
    followers: counts.followers,
    following: counts.following,
    questions: counts.questions,
    answers: counts.answers,
    reputation,
    suspendedUntil: row.suspendedUntil ? toIso(row.suspendedUntil) : null,
    badges,
  };
}

/** The profile of `username` (any case), or NOT_FOUND. */
export async function profileByUsername(deps: ApiDeps, username: string): Promise<Profile> {
  const row = await findUserByUsername(deps.db, username);
  if (!row) throw new NotFoundError(`There is no user named "${username}".`);
  return profileOf(deps.db, row);
}

/** Usernames never change and accounts are never deleted: this process remembers name → id once seen. */
const userIds = new Map<string, number>();
const USER_IDS_MAX = 100_000;

/**
 * `user.byUsername` through the cache: one entry per user, keyed by the user's version, which every
 * write that changes a profile bumps (profile edits, role and suspension changes, follows, posts and
 * reactions that move counts or reputation), and the settings version (the reputation preset). The first read of a name in this process goes to the
 * database to learn its id (versions must be read before loading), later ones are served from the cache.
 */
export async function getProfile(deps: ApiDeps, username: string) {
  const name = username.toLowerCase();
  const id = userIds.get(name);
  if (id === undefined || !pageCacheEnabled(deps)) {
    const profile = await profileByUsername(deps, username);
    if (userIds.size >= USER_IDS_MAX) userIds.clear();
    userIds.set(name, Number(profile.id));
    return profile;
  }
  return readThrough(
    deps,
    // Reputation on a profile depends on the preset: a settings change bumps `settings` for every profile.
    {
      area: 'profile',
      key: cacheKeys.profile(id),
      versions: [cacheKeys.userVersion(id), cacheKeys.settings()],
    },
    () => profileByUsername(deps, username),
  );
}

/**
 * Changes the actor's display name, bio (markdown, stored as written and rendered + sanitized into
 * `bioHtml`) or avatar URL; omitted fields stay, null or "" clears.
 */
export async function updateProfile(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof updateProfileInput>,
): Promise<Profile> {
  const changes: UserChanges = {};
  if (input.displayName !== undefined) changes.displayName = input.displayName || null;
  if (input.bio !== undefined) {
    changes.bio = input.bio;
    changes.bioHtml = input.bio.trim() === '' ? '' : renderMarkdown(input.bio);
  }
  if (input.avatarUrl !== undefined) changes.avatarUrl = input.avatarUrl || null;
  const profile = await deps.db.transaction(async (tx) => {
    const row = await updateUser(tx, actor.id, changes);
    if (!row) throw new NotFoundError('Your account no longer exists.');
    return profileOf(tx, row);
  });
  await refreshUserSessions(deps, actor.id);
  // Display name and avatar also show next to every post of the user (`authors`).
  await invalidateCommitted(deps, () => ({ users: [actor.id], authors: true }));
  return profile;
}

/** The account `userId` (NOT_FOUND when there is none), once the policy lets `actor` do `action` to it. */
async function targetOf(
  deps: ApiDeps,
  actor: SessionUser,
  action: 'user.setRole' | 'user.suspend',
  userId: number,
): Promise<UserRow> {
  const row = await findUserById(deps.db, userId);
  if (!row) throw new NotFoundError('There is no such user.');
  assertCan(actor, action, { userId: row.id, userRole: row.role });
  return row;
}

/** Sets another user's role (admins only, never their own); applies at the target's next request. */
export async function setRole(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof setRoleInput>,
): Promise<Profile> {
  const target = await targetOf(deps, actor, 'user.setRole', input.userId);
  return changeUser(deps, target.id, { role: input.role });
}

/**
 * Suspends a user until `until` (default 7 days): they keep reading but cannot write. Moderators
 * suspend users; only admins suspend moderators and admins; nobody suspends themselves.
 */
export async function suspend(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof suspendInput>,
): Promise<Profile> {
  const target = await targetOf(deps, actor, 'user.suspend', input.userId);
  const until = input.until ? new Date(input.until) : new Date(Date.now() + DEFAULT_SUSPENSION_MS);
  return changeUser(deps, target.id, { suspendedUntil: until });
}

/** Lifts a suspension (same permission as suspending). */
export async function unsuspend(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof unsuspendInput>,
): Promise<Profile> {
  const target = await targetOf(deps, actor, 'user.suspend', input.userId);
  return changeUser(deps, target.id, { suspendedUntil: null });
}

async function changeUser(
  deps: ApiDeps,
  userId: number,
  changes: Pick<UserChanges, 'role' | 'suspendedUntil'>,
): Promise<Profile> {
  const profile = await deps.db.transaction(async (tx) => {
    const row = await updateUser(tx, userId, changes);
    if (!row) throw new NotFoundError('There is no such user.');
    return profileOf(tx, row);
  });
  // Cached sessions would carry the old role or suspension for a few seconds: drop them now.
  await refreshUserSessions(deps, userId);
  await invalidateCommitted(deps, () => ({ users: [userId] }));
  return profile;
}

/**
 * Accounts for the moderation page, newest first (keyset on id), optionally those whose username
 * starts with `q` or whose display name contains it (case-insensitive).
 */
export async function listUsers(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof userListInput>,
): Promise<z.infer<typeof userListOutput>> {
  assertCan(actor, 'user.list');
  const beforeId = input.cursor ? decodeCursor(input.cursor, idCursor)[0] : null;
  const rows = await listUserRows(deps.db, {
    beforeId,
    search: input.q ?? null,
    limit: input.limit + 1,
  });
  return toPage(
    rows,
    input.limit,
    (row) => ({
      ...toUserSummary(row),
      role: row.role,
      suspendedUntil: row.suspendedUntil ? toIso(row.suspendedUntil) : null,
      createdAt: toIso(row.createdAt),
    }),
    (row) => [row.id],
  );
}

/**
 * `user.privileges`: the caller's reputation under the current preset, the preset, and every privilege
 * of the table with its threshold and whether the caller has it — what the web app and the CLI enable or
 * explain buttons from. Moderators and admins have every privilege; suspended users none.
 */
export async function privilegesOf(
  deps: ApiDeps,
  actor: SessionUser,
): Promise<z.infer<typeof userPrivilegesOutput>> {
  const settings = await siteSettingsIn(deps.db);
  const reputation = await reputationOf(deps.db, actor.id, settings.privilegePreset);
  const privileges = [];
  for (const name of privilegeNames) {
    const decision = await decidePrivilege(deps.db, settings, actor, name, reputation);
    privileges.push({ name, threshold: decision.threshold, granted: decision.granted });
  }
  return { reputation, preset: settings.privilegePreset, privileges };
}
