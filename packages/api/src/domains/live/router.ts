import { liveNotificationsInput, liveQuestionInput } from '@devflow/contract';
import { protectedProcedure, publicProcedure, router } from '../../trpc/procedures';
import { trackedStream } from '../../trpc/subscriptions';
import { openNotificationStream, openQuestionStream } from './service';

/** Live updates over Server-Sent Events: typed events, replayed after a reconnect, from every process. */
export const liveRouter = router({
  /** Everything that changes on a question, as it happens; resumes after `lastEventId`. */
  question: publicProcedure
    .input(liveQuestionInput)
    .subscription(({ ctx, input, signal }) =>
      trackedStream(() => openQuestionStream(ctx.deps, ctx, input, signal)),
    ),

  /** The caller's new notifications and unread count, as they happen; resumes after `lastEventId`. */
  notifications: protectedProcedure
    .input(liveNotificationsInput)
    .subscription(({ ctx, input, signal }) =>
      trackedStream(() => openNotificationStream(ctx.deps, ctx, input, signal)),
    ),
});
