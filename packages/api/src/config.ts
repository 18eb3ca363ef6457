import { z } from 'zod';
import { OAUTH_DISABLED, type OAuthConfig } from './domains/oauth/providers';

const window = z.object({
  points: z.number().int().positive(),
  durationSeconds: z.number().int().positive(),
});

/**
 * Rate limits from the contract; `RATE_LIMITS` (JSON) may override any of them. Code mails and code
 * tries each have a limit per network below a higher cap that counts every network, so a stranger on
 * one network can neither use up the owner's mails nor destroy the owner's code (README, `RATE_LIMITS`).
 */
export const rateLimitsSchema = z
  .object({
    loginAccountIp: window.default({ points: 10, durationSeconds: 15 * 60 }),
    loginIp: window.default({ points: 50, durationSeconds: 15 * 60 }),
    register: window.default({ points: 20, durationSeconds: 60 * 60 }),
    /** Code mails per account+IP. */
    otpRequestAccountIp: window.default({ points: 5, durationSeconds: 60 * 60 }),
    /** Code mails per account, from every network together. */
    otpRequest: window.default({ points: 10, durationSeconds: 60 * 60 }),
    /** Code tries per IP (email verification and password reset together). */
    otpTriesIp: window.default({ points: 5, durationSeconds: 15 * 60 }),
    /** Tries per code, from every network together; the code stops working after them. */
    otpTries: z.number().int().positive().default(30),
    writes: window.default({ points: 60, durationSeconds: 60 }),
  })
  .strict();

/** Effective rate limits. */
export type RateLimits = z.infer<typeof rateLimitsSchema>;

/**
 * How the mail job retries (`MAIL_RETRY`, JSON): retry `n` waits `delaySeconds × 2^(n-1)` to twice that,
 * at most `maxDelaySeconds`, `limit` times. The defaults retry within seconds first, then hourly, for
 * more than 24 hours in all (`minimumRetrySpanSeconds` in `platform/mail.ts`, proved by its test).
 */
export const mailRetrySchema = z
  .object({
    limit: z.number().int().min(0).max(1000).default(34),
    delaySeconds: z.number().int().min(1).max(86_400).default(2),
    maxDelaySeconds: z.number().int().min(1).max(86_400).default(3600),
  })
  .strict();

/** Effective mail retry schedule. */
export type MailRetry = z.infer<typeof mailRetrySchema>;

/** The API's share of the configuration (the server's `env.ts` builds it from the environment). */
export type ApiConfig = {
  /** Where browsers reach the server; its origin is the only one cookie-authenticated mutations accept. */
  publicUrl: string;
  /** Mark cookies `Secure` (when `publicUrl` is https). */
  secureCookies: boolean;
  rateLimits: RateLimits;
  /** Where OTP mails go when no SMTP server is configured. */
  mailOutbox: string;
  smtpUrl: string | undefined;
  nodeEnv: 'development' | 'production' | 'test';
  /** Cache public pages (question pages, first list pages, profiles); default on (`CACHE_PAGES`). */
  pageCache?: boolean;
  /** OAuth sign-in providers (GitHub, Google); each is off when null. */
  oauth: OAuthConfig;
  /**
   * The server's signing secret (`APP_SECRET`; generated once into `DATA_DIR` on the embedded default):
   * one value for every process, stable across restarts. Signs unsubscribe links.
   */
  appSecret: string;
  /** The mail job's retry schedule (`MAIL_RETRY`). */
  mailRetry: MailRetry;
};

/** An `ApiConfig` with the contract's defaults, for tests and scripts; `overrides` win. */
export function defaultApiConfig(overrides: Partial<ApiConfig> = {}): ApiConfig {
  return {
    publicUrl: 'http://127.0.0.1:3000',
    secureCookies: false,
    rateLimits: rateLimitsSchema.parse({}),
    mailOutbox: '.data/outbox.jsonl',
    smtpUrl: undefined,
    nodeEnv: 'test',
    oauth: OAUTH_DISABLED,
    appSecret: 'test-secret-not-for-production-0123456789abcdef',
    mailRetry: mailRetrySchema.parse({}),
    ...overrides,
  };
}
