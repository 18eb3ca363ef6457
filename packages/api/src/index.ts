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
export { describeIssues, RateLimitedError, type ValidationIssue } from './errors';
export { createHttpContext, type HttpContextOptions, readSessionToken, SESSION_COOKIE } from './http-context';
export { createOpenApiDocument, type OpenApiDocumentOptions, procedureDocs, REST_PREFIX } from './openapi';
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from './root';
export { MAX_THREAD_DEPTH, MAX_THREAD_NODES, type ReplyNode } from './schemas/reply';
export {
  conflictFrom,
  findUserById,
  findUserByLogin,
  insertUser,
  type NewUser,
  type PublicUser,
  toPublicUser,
  toSessionUser,
  type UserRow,
} from './services/account';
export {
  type CacheStats,
  cacheMetricsText,
  cacheStatsOf,
} from './services/cached';
export { checkHealth, type Health } from './services/health';
export * from './services/oauth';
export * from './services/oauth-providers';
export { getQuestion, listQuestions, loadQuestionDetail } from './services/question';
export { searchQuestions } from './services/question-search';
export type { QuestionView } from './services/question-view';
export {
  blankSessionCookie,
  createSession,
  invalidateSession,
  invalidateUserSessions,
  refreshUserSessions,
  serializeSessionCookie,
  sessionIdOf,
  type ValidSession,
  validateSessionToken,
} from './services/session';
export {
  INTERNAL_ERROR_MESSAGE,
  isServiceUnavailable,
  UNAVAILABLE_MESSAGE,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from './trpc';
