import { resolve } from 'node:path';
import { GITHUB_ENDPOINTS, GOOGLE_ENDPOINTS, type OAuthConfig, rateLimitsSchema } from '@devflow/api';
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
  RATE_LIMITS: optionalText
    .transform((value, ctx) => {
      if (value === undefined) return {};
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a JSON object, e.g. {"writes":{"points":120,"durationSeconds":60}}',
        });
        return z.NEVER;
      }
    })
    .pipe(rateLimitsSchema),
  CACHE_PAGES: z.enum(['on', 'off']).default('on'),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
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
