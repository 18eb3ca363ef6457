import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { adminRouter } from './domains/admin/router';
import { answerRouter } from './domains/answer/router';
import { authRouter } from './domains/auth/router';
import { bookmarkRouter } from './domains/bookmark/router';
import { editRouter } from './domains/edit/router';
import { feedRouter } from './domains/feed/router';
import { flagRouter } from './domains/flag/router';
import { followRouter } from './domains/follow/router';
import { healthRouter } from './domains/health/router';
import { liveRouter } from './domains/live/router';
import { notificationRouter } from './domains/notification/router';
import { oauthRouter } from './domains/oauth/router';
import { questionRouter } from './domains/question/router';
import { reactionRouter } from './domains/reaction/router';
import { replyRouter } from './domains/reply/router';
import { reviewRouter } from './domains/review/router';
import { tagRouter } from './domains/tag/router';
import { userRouter } from './domains/user/router';
import { watchRouter } from './domains/watch/router';
import { createCallerFactory, router } from './trpc/procedures';

/** Every procedure of DevFlow, by domain. The shape is the API contract (README, API reference). */
export const appRouter = router({
  health: healthRouter,
  question: questionRouter,
  answer: answerRouter,
  tag: tagRouter,
  reply: replyRouter,
  reaction: reactionRouter,
  follow: followRouter,
  feed: feedRouter,
  notification: notificationRouter,
  watch: watchRouter,
  bookmark: bookmarkRouter,
  auth: authRouter,
  user: userRouter,
  oauth: oauthRouter,
  admin: adminRouter,
  live: liveRouter,
  flag: flagRouter,
  review: reviewRouter,
  edit: editRouter,
});

/** The router's type: the only thing the web app, client package and CLI import from the API. */
export type AppRouter = typeof appRouter;

/** Input types of every procedure, e.g. `RouterInputs['question']['create']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;

/** Output types of every procedure, e.g. `RouterOutputs['question']['byId']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Calls procedures in-process with a given context (tests, scripts). */
export const createCaller = createCallerFactory(appRouter);
