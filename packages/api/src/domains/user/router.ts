import {
  byUsernameInput,
  noInput,
  notificationSettingsOutput,
  profileOutput,
  setNotificationSettingsInput,
  setRoleInput,
  suspendInput,
  unsuspendInput,
  updateProfileInput,
  userListInput,
  userListOutput,
  userPrivilegesOutput,
} from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import {
  adminProcedure,
  moderatorProcedure,
  protectedProcedure,
  publicProcedure,
  router,
  writerProcedure,
} from '../../trpc/procedures';
import { getNotificationSettings, setNotificationSettings } from '../notification/settings';
import * as users from './service';

/** Profiles and account administration (roles, suspensions). */
export const userRouter = router({
  /**
   * The caller's reputation, the privilege preset, and every privilege (`voteUp`, `voteDown`, `flag`,
   * `reply`, `editOthers`, `review`, `closeVotes`) with the reputation it needs (`threshold`; null: moderators
   * only) and whether the caller has it (`granted`): what clients enable or explain buttons from.
   * Moderators and admins have every privilege; suspended users none.
   */
  privileges: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/user/privileges',
        tags: ['user'],
        summary: 'Your privileges',
        protect: true,
      },
    })
    .input(noInput)
    .output(syncOutput(userPrivilegesOutput))
    .query(({ ctx }) => users.privilegesOf(ctx.deps, ctx.user)),

  /** A public profile with follower counts, post counts, reputation and badges. */
  byUsername: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/user/by-username',
        errorResponses: { 404: 'no user has this name' },
        tags: ['user'],
        summary: 'A user profile',
      },
    })
    .input(byUsernameInput)
    .output(syncOutput(profileOutput))
    .query(({ ctx, input }) => users.getProfile(ctx.deps, input.username)),

  /** Changes the signed-in user's display name, bio (markdown) or avatar URL (https). */
  updateProfile: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/user/update-profile',
        tags: ['user'],
        summary: 'Edit your profile',
        protect: true,
      },
    })
    .input(updateProfileInput)
    .output(syncOutput(profileOutput))
    .mutation(({ ctx, input }) => users.updateProfile(ctx.deps, ctx.user, input)),

  /** Changes another user's role (admins). */
  setRole: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/user/set-role',
        errorResponses: { 403: 'admins cannot change their own role', 404: 'no user has this id' },
        tags: ['user'],
        summary: "Change a user's role",
        protect: true,
      },
    })
    .input(setRoleInput)
    .output(syncOutput(profileOutput))
    .mutation(({ ctx, input }) => users.setRole(ctx.deps, ctx.user, input)),

  /** Suspends a user until a date (default 7 days): they can read but not write (moderators). */
  suspend: moderatorProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/user/suspend',
        errorResponses: {
          403: 'the target is the caller, or a moderator or admin and the caller is not an admin',
          404: 'no user has this id',
        },
        tags: ['user'],
        summary: 'Suspend a user',
        protect: true,
      },
    })
    .input(suspendInput)
    .output(syncOutput(profileOutput))
    .mutation(({ ctx, input }) => users.suspend(ctx.deps, ctx.user, input)),

  /** Lifts a suspension (moderators). */
  unsuspend: moderatorProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/user/unsuspend',
        errorResponses: {
          403: 'the target is the caller, or a moderator or admin and the caller is not an admin',
          404: 'no user has this id',
        },
        tags: ['user'],
        summary: 'Lift a suspension',
        protect: true,
      },
    })
    .input(unsuspendInput)
    .output(syncOutput(profileOutput))
    .mutation(({ ctx, input }) => users.unsuspend(ctx.deps, ctx.user, input)),

  /** Accounts for the moderation page, newest first, with role and suspension (moderators). */
  list: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/user/list',
        errorResponses: { 403: 'the caller is not a moderator' },
        tags: ['user'],
        summary: 'List accounts',
        protect: true,
      },
    })
    .input(userListInput)
    .output(syncOutput(userListOutput))
    .query(({ ctx, input }) => users.listUsers(ctx.deps, ctx.user, input)),

  /** How each kind of notification reaches you by mail: at once, in a daily or weekly digest, or not. */
  notificationSettings: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/user/notification-settings',
        tags: ['user'],
        summary: 'Your notification mail settings',
        protect: true,
      },
    })
    .input(noInput)
    .output(syncOutput(notificationSettingsOutput))
    .query(({ ctx }) => getNotificationSettings(ctx.deps, ctx.user)),

  /** Changes how some kinds of notification reach you by mail; the others stay. */
  setNotificationSettings: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/user/set-notification-settings',
        tags: ['user'],
        summary: 'Change your notification mail settings',
        protect: true,
      },
    })
    .input(setNotificationSettingsInput)
    .output(syncOutput(notificationSettingsOutput))
    .mutation(({ ctx, input }) => setNotificationSettings(ctx.deps, ctx.user, input)),
});
