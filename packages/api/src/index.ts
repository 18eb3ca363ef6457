export {
  byUsernameInput,
  feedListInput,
  listQuestionsInput,
  MAX_THREAD_DEPTH,
  MAX_THREAD_NODES,
  POPULAR_POST_UPVOTES,
  POST_BODY_LENGTH,
  type Privilege,
  REPUTATION_BADGES,
  type ReplyNode,
  searchQuestionsInput,
  THREAD_PAGE_SIZE,
  thresholdOf,
} from '@devflow/contract';
export {
  type ApiConfig,
  defaultApiConfig,
  type MailRetry,
  mailRetrySchema,
  type RateLimits,
  rateLimitsSchema,
} from './config';
export { type ApiDeps, type Logger, silentLogger } from './deps';
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
} from './domains/auth/account';
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
} from './domains/auth/session';
export { toBadges } from './domains/badge/service';
export { toFeedPage } from './domains/feed/service';
export { checkHealth, type Health } from './domains/health/service';
export { questionChannel, userChannel } from './domains/live/events';
export {
  LiveHub,
  type LiveHubOptions,
  type LiveTransport,
  liveHubFor,
  memoryTransport,
} from './domains/live/hub';
export { DELIVERY_DEFAULTS, notificationMail, sendDigests } from './domains/notification/mail';
export {
  INVALID_UNSUBSCRIBE_MESSAGE,
  InvalidUnsubscribeError,
  unsubscribeWithToken,
} from './domains/notification/settings';
export * from './domains/oauth/providers';
export * from './domains/oauth/service';
export { EXCERPT_SOURCE_CHARS, reactionName } from './domains/posts/posts';
export { reputationFrom, reputationQuery, type StatementRunner } from './domains/posts/reputation';
export { searchQuestions, toSearchPage } from './domains/question/search';
export {
  getQuestion,
  listQuestions,
  listQuestionsQuery,
  loadQuestionDetail,
} from './domains/question/service';
export { type QuestionView, toAnswer, toQuestion, toQuestionSummary } from './domains/question/view';
export {
  type ThreadPageInput,
  threadCursorAfter,
  toThreadPage,
} from './domains/reply/service';
export { toProfile } from './domains/user/service';
export { registerApiJobs, SCHEDULED_JOBS, type ScheduledJob } from './jobs';
export {
  type CacheStats,
  type Changed,
  cacheMetricsText,
  cacheStatsOf,
  invalidate,
} from './platform/cache/cached';
export { mergeChanged } from './platform/cache/scopes';
export {
  createJobQueue,
  type EnqueueOptions,
  type FailedJob,
  type JobContext,
  type JobHandler,
  type JobOptions,
  type JobQueue,
  type JobQueueOptions,
  type JobStatementRunner,
  jobsMetricsText,
  type QueueStats,
} from './platform/jobs';
export {
  enqueueMail,
  MAIL_QUEUE,
  type MailMessage,
  mailJobOptions,
  minimumRetrySpanSeconds,
  type QueuedMail,
} from './platform/mail';
export { renderMarkdown } from './platform/markdown';
export { toPage } from './platform/pagination';
export { siteSettingsFrom } from './platform/settings';
export { signUnsubscribeToken, verifyUnsubscribeToken } from './platform/unsubscribe-token';
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from './root';
export {
  type Context,
  type CreateContextOptions,
  createContextInner,
  type RequestInfo,
  type SessionUser,
  type TokenSource,
} from './trpc/context';
export { describeIssues, RateLimitedError, type ValidationIssue } from './trpc/errors';
export {
  createHttpContext,
  type HttpContextOptions,
  readSessionToken,
  SESSION_COOKIE,
} from './trpc/http-context';
export {
  createOpenApiDocument,
  type OpenApiDocumentOptions,
  procedureDocs,
  REST_PREFIX,
} from './trpc/openapi';
export {
  DEFAULT_LIVE_MAX_DURATION_MS,
  INTERNAL_ERROR_MESSAGE,
  isServiceUnavailable,
  setLiveMaxDuration,
  UNAVAILABLE_MESSAGE,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from './trpc/procedures';
