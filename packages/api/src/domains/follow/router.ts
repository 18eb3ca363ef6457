import {
  followListInput,
  followListOutput,
  followStateOutput,
  followStatusOutput,
  followUserInput,
} from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { publicProcedure, router, writerProcedure } from '../../trpc/procedures';
import { followStatus, followUser, listFollows, unfollowUser } from './service';

/** The social graph: follow, unfollow, and who follows whom. */
export const followRouter = router({
  /** Follows a user (idempotent); notifies them the first time. */
  follow: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/follow/follow',
        errorResponses: { 400: 'the user is the caller', 404: 'no user has this id' },
        tags: ['follow'],
        summary: 'Follow a user',
        protect: true,
      },
    })
    .input(followUserInput)
    .output(syncOutput(followStateOutput))
    .mutation(({ ctx, input }) => followUser(ctx.deps, ctx.user, input)),

  /** Stops following a user (idempotent). */
  unfollow: writerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/follow/unfollow',
        errorResponses: { 400: 'the user is the caller', 404: 'no user has this id' },
        tags: ['follow'],
        summary: 'Unfollow a user',
        protect: true,
      },
    })
    .input(followUserInput)
    .output(syncOutput(followStateOutput))
    .mutation(({ ctx, input }) => unfollowUser(ctx.deps, ctx.user, input)),

  /** Whether the signed-in viewer follows a user (false when anonymous). */
  status: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/follow/status',
        tags: ['follow'],
        summary: 'Do I follow this user?',
        protect: false,
      },
    })
    .input(followUserInput)
    .output(syncOutput(followStatusOutput))
    .query(({ ctx, input }) => followStatus(ctx.deps, ctx.user, input)),

  /** A user's followers, newest first. */
  followers: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/follow/followers',
        errorResponses: { 404: 'no user has this id' },
        tags: ['follow'],
        summary: "A user's followers",
        protect: false,
      },
    })
    .input(followListInput)
    .output(syncOutput(followListOutput))
    .query(({ ctx, input }) => listFollows(ctx.deps, 'followers', input)),

  /** The users a user follows, newest first. */
  following: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/follow/following',
        errorResponses: { 404: 'no user has this id' },
        tags: ['follow'],
        summary: 'Whom a user follows',
        protect: false,
      },
    })
    .input(followListInput)
    .output(syncOutput(followListOutput))
    .query(({ ctx, input }) => listFollows(ctx.deps, 'following', input)),
});
