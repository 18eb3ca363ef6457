import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DEFAULT_LIVE_MAX_DURATION_MS,
  GITHUB_ENDPOINTS,
  GOOGLE_ENDPOINTS,
  mailRetrySchema,
  type OAuthConfig,
  rateLimitsSchema,
} from '@devflow/api';
import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const urlWithProtocols = (protocols: string[], example: string) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      { message: `must be a URL like ${example}` },
    );

const optionalHttpUrl = optionalText.pipe(
  urlWithProtocols(['http:', 'https:'], 'https://provider.example.com/path').optional(),
);

/** A JSON object variable parsed by `schema` (`RATE_LIMITS`, `MAIL_RETRY`). */
const jsonObject = <T extends z.ZodTypeAny>(schema: T, example: string) =>
  optionalText
    .transform((value, ctx) => {
      if (value === undefined) return {};
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a JSON object, e.g. ${example}` });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** Shortest `APP_SECRET` accepted: 32 characters (e.g. 16 random bytes in hex). */
export const APP_SECRET_MIN_LENGTH = 32;

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: optionalText.pipe(
    urlWithProtocols(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/db').optional(),
  ),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: optionalText.pipe(urlWithProtocols(['redis:', 'rediss:'], 'redis://host:6379').optional()),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PUBLIC_URL: optionalText.pipe(
    urlWithProtocols(['http:', 'https:'], 'https://devflow.example.com').optional(),
  ),
  SMTP_URL: optionalText.pipe(urlWithProtocols(['smtp:', 'smtps:'], 'smtp://user:pass@host:587').optional()),
  MAIL_OUTBOX: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMITS: jsonObject(rateLimitsSchema, '{"writes":{"points":120,"durationSeconds":60}}'),
  MAIL_RETRY: jsonObject(mailRetrySchema, '{"limit":34,"delaySeconds":2,"maxDelaySeconds":3600}'),
  APP_SECRET: optionalText.pipe(
    z
      .string()
      .min(
        APP_SECRET_MIN_LENGTH,
        `must be at least ${APP_SECRET_MIN_LENGTH} characters (e.g. openssl rand -hex 32)`,
      )
      .optional(),
  ),
  JOBS_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(2),
  CACHE_PAGES: z.enum(['on', 'off']).default('on'),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  LIVE_MAX_DURATION_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(24 * 60 * 60_000)
    .default(DEFAULT_LIVE_MAX_DURATION_MS),
  GITHUB_CLIENT_ID: optionalText,
  GITHUB_CLIENT_SECRET: optionalText,
  GOOGLE_CLIENT_ID: optionalText,
  GOOGLE_CLIENT_SECRET: optionalText,
  // Provider endpoints: the real ones unless a test or a proxy points them elsewhere.
  GITHUB_AUTHORIZE_URL: optionalHttpUrl,
  GITHUB_TOKEN_URL: optionalHttpUrl,
  GITHUB_API_URL: optionalHttpUrl,
  GOOGLE_AUTHORIZE_URL: optionalHttpUrl,
  GOOGLE_TOKEN_URL: optionalHttpUrl,
  GOOGLE_JWKS_URL: optionalHttpUrl,
  GOOGLE_ISSUER: optionalText,
  OAUTH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});

/** The server's validated configuration. */
export type ServerEnv = z.infer<typeof envSchema> & {
  /** Origin browsers use; defaults to http://HOST:PORT. */
  publicUrl: string;
  /** Resolved outbox path (default DATA_DIR/outbox.jsonl). */
  mailOutbox: string;
};

/** An OAuth client id without its secret (or the reverse) is a mistake, not a disabled provider. */
function unpairedOAuthCredentials(source: Record<string, string | undefined>) {
  const problems: { variable: string; message: string }[] = [];
  for (const provider of ['GITHUB', 'GOOGLE'] as const) {
    const id = source[`${provider}_CLIENT_ID`]?.trim();
    const secret = source[`${provider}_CLIENT_SECRET`]?.trim();
    if (Boolean(id) !== Boolean(secret)) {
      const missing = id ? `${provider}_CLIENT_SECRET` : `${provider}_CLIENT_ID`;
      const present = id ? `${provider}_CLIENT_ID` : `${provider}_CLIENT_SECRET`;
      problems.push({ variable: missing, message: `must be set together with ${present}` });
    }
  }
  return problems;
}

/** Thrown when the environment is invalid; its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the server's configuration from `source` (normally `process.env`) once at start. Every
 * problem is reported at once, each naming its variable, so a bad deploy fails fast and clearly.
 */
export function loadEnv(source: Record<string, string | undefined>): ServerEnv {
  const parsed = envSchema.safeParse(source);
  const unpaired = unpairedOAuthCredentials(source);
  if (parsed.success && parsed.data.NODE_ENV === 'production' && !parsed.data.APP_SECRET) {
    unpaired.push({
      variable: 'APP_SECRET',
      message: 'is required when NODE_ENV=production (e.g. openssl rand -hex 32)',
    });
  }
  if (!parsed.success || unpaired.length > 0) {
    throw new ConfigError([
      ...(parsed.error?.issues ?? []).map((issue) => {
        const [variable, ...rest] = issue.path.map(String);
        const where = rest.length > 0 ? ` (${rest.join('.')})` : '';
        const got = variable ? source[variable] : undefined;
        const shown =
          got !== undefined && !/SECRET|PASSWORD|URL/.test(variable ?? '') ? ` (got "${got}")` : '';
        return { variable: variable ?? 'environment', message: `${issue.message}${where}${shown}` };
      }),
      ...unpaired,
    ]);
  }
  const env = parsed.data;
  const displayHost = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  return {
    ...env,
    publicUrl: (env.PUBLIC_URL ?? `http://${displayHost}:${env.PORT}`).replace(/\/$/, ''),
    mailOutbox: resolve(env.MAIL_OUTBOX ?? `${env.DATA_DIR}/outbox.jsonl`),
  };
}

/**
 * The OAuth providers the environment turns on: a provider is on when its client id and secret are
 * both set (`loadEnv` refuses one without the other); endpoints default to the provider's own.
 */
export function oauthConfig(env: ServerEnv): OAuthConfig {
  return {
    github:
      env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET
        ? {
            clientId: env.GITHUB_CLIENT_ID,
            clientSecret: env.GITHUB_CLIENT_SECRET,
            authorizeUrl: env.GITHUB_AUTHORIZE_URL ?? GITHUB_ENDPOINTS.authorizeUrl,
            tokenUrl: env.GITHUB_TOKEN_URL ?? GITHUB_ENDPOINTS.tokenUrl,
            apiUrl: env.GITHUB_API_URL ?? GITHUB_ENDPOINTS.apiUrl,
          }
        : null,
    google:
      env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
        ? {
            clientId: env.GOOGLE_CLIENT_ID,
            clientSecret: env.GOOGLE_CLIENT_SECRET,
            authorizeUrl: env.GOOGLE_AUTHORIZE_URL ?? GOOGLE_ENDPOINTS.authorizeUrl,
            tokenUrl: env.GOOGLE_TOKEN_URL ?? GOOGLE_ENDPOINTS.tokenUrl,
            jwksUrl: env.GOOGLE_JWKS_URL ?? GOOGLE_ENDPOINTS.jwksUrl,
            issuers: env.GOOGLE_ISSUER ? [env.GOOGLE_ISSUER] : [...GOOGLE_ENDPOINTS.issuers],
          }
        : null,
    timeoutMs: env.OAUTH_TIMEOUT_MS,
  };
}

/**
 * The signing secret: `APP_SECRET` when set; otherwise (never in production, `loadEnv` refuses that) the
 * one kept in `DATA_DIR/app-secret`, generated on first start with file mode 0600, so every restart on
 * the same data dir signs alike. Throws a `ConfigError` naming `APP_SECRET` when the file cannot be
 * read or written.
 */
export function loadAppSecret(env: ServerEnv): string {
  if (env.APP_SECRET) return env.APP_SECRET;
  const file = join(resolve(env.DATA_DIR), 'app-secret');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= APP_SECRET_MIN_LENGTH) return kept;
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) {
      throw new ConfigError([{ variable: 'APP_SECRET', message: `unset, and ${file} cannot be read` }]);
    }
  }
  const secret = randomBytes(32).toString('hex');
  try {
    mkdirSync(resolve(env.DATA_DIR), { recursive: true });
    // `wx`: two processes starting together never overwrite each other's secret; the loser reads it.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return secret;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') {
      const kept = readFileSync(file, 'utf8').trim();
      if (kept.length >= APP_SECRET_MIN_LENGTH) return kept;
    }
    throw new ConfigError([{ variable: 'APP_SECRET', message: `unset, and ${file} cannot be written` }]);
  }
}
