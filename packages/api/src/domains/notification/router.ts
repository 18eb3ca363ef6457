import {
  noInput,
  notificationListInput,
  notificationListOutput,
  notificationMarkReadInput,
  notificationMarkReadOutput,
  unreadCountOutput,
} from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { protectedProcedure, router } from '../../trpc/procedures';
import { countUnread, listNotifications, markNotificationsRead } from './service';

/**
 * The caller's notifications. Reading and marking read are open to suspended users too (they read but
 * do not post), so these use `protectedProcedure`.
 */
export const notificationRouter = router({
  /** The caller's notifications, newest first. */
  list: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/notification/list',
        tags: ['notification'],
        summary: 'Your notifications',
        protect: true,
      },
    })
    .input(notificationListInput)
    .output(syncOutput(notificationListOutput))
    .query(({ ctx, input }) => listNotifications(ctx.deps, ctx.user, input)),

  /** Marks the given notifications (or all) read; returns how many stay unread. */
  markRead: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/notification/mark-read',
        tags: ['notification'],
        summary: 'Mark notifications read',
        protect: true,
      },
    })
    .input(notificationMarkReadInput)
    .output(syncOutput(notificationMarkReadOutput))
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.deps, ctx.user, input)),

  /** How many notifications are unread (the badge). */
  unreadCount: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/notification/unread-count',
        tags: ['notification'],
        summary: 'Unread count',
        protect: true,
      },
    })
    .input(noInput)
    .output(syncOutput(unreadCountOutput))
    .query(({ ctx }) => countUnread(ctx.deps, ctx.user)),
});
