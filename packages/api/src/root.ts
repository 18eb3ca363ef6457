import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { answerRouter } from './routers/answer';
import { healthRouter } from './routers/health';
import { questionRouter } from './routers/question';
import { tagRouter } from './routers/tag';
import { createCallerFactory, router } from './trpc';

/** Every procedure of DevFlow, by domain. The shape is the API contract (shared/CONTRACT.md). */
export const appRouter = router({
  health: healthRouter,
  question: questionRouter,
  answer: answerRouter,
  tag: tagRouter,
});

/** The router's type: the only thing the web app, client package and CLI import from the API. */
export type AppRouter = typeof appRouter;

/** Input types of every procedure, e.g. `RouterInputs['question']['create']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;

/** Output types of every procedure, e.g. `RouterOutputs['question']['byId']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Calls procedures in-process with a given context (tests, scripts). */
export const createCaller = createCallerFactory(appRouter);
