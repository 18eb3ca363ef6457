import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { answerRouter } from './routers/answer';
import { authRouter } from './routers/auth';
import { feedRouter } from './routers/feed';
import { followRouter } from './routers/follow';
import { healthRouter } from './routers/health';
import { notificationRouter } from './routers/notification';
import { oauthRouter } from './routers/oauth';
import { questionRouter } from './routers/question';
import { reactionRouter } from './routers/reaction';
import { replyRouter } from './routers/reply';
import { tagRouter } from './routers/tag';
import { userRouter } from './routers/user';
import { createCallerFactory, router } from './trpc';

/** Every procedure of DevFlow, by domain. The shape is the API contract (shared/CONTRACT.md). */
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
  auth: authRouter,
  user: userRouter,
  oauth: oauthRouter,
});

/** The router's type: the only thing the web app, client package and CLI import from the API. */
export type AppRouter = typeof appRouter;

/** Input types of every procedure, e.g. `RouterInputs['question']['create']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;

/** Output types of every procedure, e.g. `RouterOutputs['question']['byId']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Calls procedures in-process with a given context (tests, scripts). */
export const createCaller = createCallerFactory(appRouter);
