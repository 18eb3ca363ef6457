export { type ApiConfig, defaultApiConfig, type RateLimits, rateLimitsSchema } from './config';
export {
  type Context,
  type CreateContextOptions,
  createContextInner,
  type RequestInfo,
  type SessionUser,
  type TokenSource,
} from './context';
export { type ApiDeps, type Logger, silentLogger } from './deps';
export { RateLimitedError } from './errors';
export { createHttpContext, type HttpContextOptions, readSessionToken, SESSION_COOKIE } from './http-context';
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from './root';
export { checkHealth, type Health } from './services/health';
export {
  getQuestion,
  listQuestions,
  loadQuestionDetail,
  type QuestionView,
  searchQuestions,
} from './services/question';
export {
  INTERNAL_ERROR_MESSAGE,
  isServiceUnavailable,
  UNAVAILABLE_MESSAGE,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from './trpc';
