import type { OAuthErrorReason } from '@devflow/contract';
import {
  ArcticFetchError,
  CodeChallengeMethod,
  generateCodeVerifier,
  generateState,
  OAuth2Client,
  OAuth2RequestError,
  type OAuth2Tokens,
  UnexpectedErrorResponseBodyError,
  UnexpectedResponseError,
} from 'arctic';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';

/** The OAuth providers DevFlow can sign in with (the `oauth_provider` enum). */
export const OAUTH_PROVIDERS = ['github', 'google'] as const;

/** One of `OAUTH_PROVIDERS`. */
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

/** How people see a provider's name in messages. */
export const PROVIDER_LABELS: Record<OAuthProvider, string> = { github: 'GitHub', google: 'Google' };

/** True when `value` names a provider DevFlow knows. */
export function isOAuthProvider(value: string): value is OAuthProvider {
  return (OAUTH_PROVIDERS as readonly string[]).includes(value);
}

/** A GitHub OAuth app: credentials and the endpoints to use (GitHub's own unless overridden for tests). */
export type GitHubOAuthConfig = {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** REST API base: `/user` and `/user/emails` hang from it. */
  apiUrl: string;
};

/** A Google OAuth client: credentials, endpoints, and how its ID tokens are checked. */
export type GoogleOAuthConfig = {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** The JSON Web Key Set the ID token's signature is verified against. */
  jwksUrl: string;
  /** Accepted `iss` values of the ID token. */
  issuers: string[];
};

/** OAuth sign-in settings; a provider is off (its routes answer 404) when its entry is null. */
export type OAuthConfig = {
  github: GitHubOAuthConfig | null;
  google: GoogleOAuthConfig | null;
  /** Milliseconds any single call to a provider (token, user, JWKS) may take. */
  timeoutMs: number;
  /**
   * Sign-ins one IP may start per window; each start holds server-side state for ten minutes, so this
   * bounds what a flood of starts can store. Defaults to 60 per 10 minutes.
   */
  startLimit?: { points: number; durationSeconds: number };
};

/** The default `startLimit`. */
export const OAUTH_START_LIMIT = { points: 60, durationSeconds: 10 * 60 } as const;

/** GitHub's production endpoints. */
export const GITHUB_ENDPOINTS = {
  authorizeUrl: 'https://github.com/login/oauth/authorize',
  tokenUrl: 'https://github.com/login/oauth/access_token',
  apiUrl: 'https://api.github.com',
} as const;

/** Google's production endpoints; Google documents both issuer spellings as valid. */
export const GOOGLE_ENDPOINTS = {
  authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
  issuers: ['https://accounts.google.com', 'accounts.google.com'],
} as const;

/** OAuth switched off for both providers (the default of `defaultApiConfig`). */
export const OAUTH_DISABLED: OAuthConfig = { github: null, google: null, timeoutMs: 10_000 };

export type { OAuthErrorReason } from '@devflow/contract';

/** A failure of the OAuth flow that ends on `/auth/error?reason=<reason>`. */
export class OAuthFlowError extends Error {
  constructor(
    readonly reason: OAuthErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OAuthFlowError';
  }
}

/** Who the provider says signed in. `emailVerified` is the provider's word for `email`. */
export type ProviderIdentity = {
  provider: OAuthProvider;
  providerUserId: string;
  email: string | null;
  emailVerified: boolean;
  /** A handle to derive a username from (GitHub login, or Google's email local part). */
  login: string | null;
  name: string | null;
  avatarUrl: string | null;
};

/** What the start of the flow hands to the provider and must find again at the callback. */
export type AuthorizationRequest = {
  url: URL;
  state: string;
  codeVerifier: string;
  /** OpenID Connect nonce (Google); null for GitHub. */
  nonce: string | null;
};

/** The configuration of `provider`, or null when it is off. */
export function providerConfig(config: OAuthConfig, provider: OAuthProvider) {
  return provider === 'github' ? config.github : config.google;
}

/**
 * Builds the authorization URL with a fresh `state`, a PKCE S256 challenge (arctic) and, for Google,
 * an OpenID Connect nonce. Throws when the provider is off: callers check `providerConfig` first.
 */
export function createAuthorizationRequest(
  config: OAuthConfig,
  provider: OAuthProvider,
  redirectUri: string,
): AuthorizationRequest {
  const state = generateState();
  const codeVerifier = generateCodeVerifier();
  if (provider === 'github') {
    const github = requireConfig(config.github, provider);
    const client = new OAuth2Client(github.clientId, github.clientSecret, redirectUri);
    const url = client.createAuthorizationURLWithPKCE(
      github.authorizeUrl,
      state,
      CodeChallengeMethod.S256,
      codeVerifier,
      ['read:user', 'user:email'],
    );
    return { url, state, codeVerifier, nonce: null };
  }
  const google = requireConfig(config.google, provider);
  const client = new OAuth2Client(google.clientId, google.clientSecret, redirectUri);
  const nonce = generateState();
  const url = client.createAuthorizationURLWithPKCE(
    google.authorizeUrl,
    state,
    CodeChallengeMethod.S256,
    codeVerifier,
    ['openid', 'email', 'profile'],
  );
  url.searchParams.set('nonce', nonce);
  return { url, state, codeVerifier, nonce };
}

/** What the callback needs to turn an authorization code into an identity. */
export type CodeExchange = {
  provider: OAuthProvider;
  redirectUri: string;
  code: string;
  codeVerifier: string;
  nonce: string | null;
};

/**
 * Exchanges the authorization code (with its PKCE verifier) and reads who signed in: GitHub's `/user`
 * and verified primary email, or Google's verified ID token. Every failure is an `OAuthFlowError`.
 */
export async function fetchProviderIdentity(
  config: OAuthConfig,
  exchange: CodeExchange,
): Promise<ProviderIdentity> {
  if (exchange.provider === 'github') {
    return fetchGitHubIdentity(requireConfig(config.github, 'github'), config.timeoutMs, exchange);
  }
  return fetchGoogleIdentity(requireConfig(config.google, 'google'), config.timeoutMs, exchange);
}

function requireConfig<T>(value: T | null, provider: OAuthProvider): T {
  if (value === null) throw new Error(`OAuth provider ${provider} is not configured`);
  return value;
}

/** Rejects with `provider_unavailable` when `promise` takes longer than `ms` (arctic's fetch has no signal). */
async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OAuthFlowError('provider_unavailable', `${what} did not answer within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Codes a token endpoint uses for a bad, expired or reused authorization code. */
const REJECTED_CODE_ERRORS = new Set(['invalid_grant', 'bad_verification_code']);

/** Maps arctic's errors from the token endpoint to the reasons users see. */
function tokenError(provider: OAuthProvider, error: unknown): OAuthFlowError {
  const label = PROVIDER_LABELS[provider];
  if (error instanceof OAuthFlowError) return error;
  if (error instanceof OAuth2RequestError) {
    return REJECTED_CODE_ERRORS.has(error.code)
      ? new OAuthFlowError('invalid_code', `${label} refused the authorization code (${error.code})`, {
          cause: error,
        })
      : new OAuthFlowError('provider_error', `${label} token endpoint answered ${error.code}`, {
          cause: error,
        });
  }
  if (error instanceof ArcticFetchError) {
    return new OAuthFlowError('provider_unavailable', `${label} token endpoint unreachable`, {
      cause: error,
    });
  }
  if (error instanceof UnexpectedResponseError || error instanceof UnexpectedErrorResponseBodyError) {
    return error.status >= 500
      ? new OAuthFlowError('provider_unavailable', `${label} token endpoint answered ${error.status}`, {
          cause: error,
        })
      : new OAuthFlowError('provider_error', `${label} token endpoint answered ${error.status}`, {
          cause: error,
        });
  }
  return new OAuthFlowError('provider_error', `${label} token exchange failed`, { cause: error });
}

/** Runs the code exchange; GitHub reports errors with status 200 and an `error` field, handled here too. */
async function exchangeCode(
  provider: OAuthProvider,
  client: OAuth2Client,
  tokenUrl: string,
  exchange: CodeExchange,
  timeoutMs: number,
): Promise<OAuth2Tokens> {
  let tokens: OAuth2Tokens;
  try {
    tokens = await withTimeout(
      client.validateAuthorizationCode(tokenUrl, exchange.code, exchange.codeVerifier),
      timeoutMs,
      `${PROVIDER_LABELS[provider]} token endpoint`,
    );
  } catch (error) {
    throw tokenError(provider, error);
  }
  const data: Record<string, unknown> = { ...tokens.data };
  if (typeof data.error === 'string') {
    throw tokenError(provider, new OAuth2RequestError(data.error, null, null, null));
  }
  return tokens;
}

/** Reads a token response field arctic would throw on, as a flow error. */
function tokenField(provider: OAuthProvider, read: () => string, field: string): string {
  try {
    return read();
  } catch (error) {
    throw new OAuthFlowError('provider_error', `${PROVIDER_LABELS[provider]} sent no ${field}`, {
      cause: error,
    });
  }
}

const gitHubUser = z.object({
  id: z.number().int(),
  login: z.string().min(1),
  name: z.string().nullish(),
  avatar_url: z.string().nullish(),
});

const gitHubEmails = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

/** GETs a GitHub API path with the access token; null on 403/404 (a scope the user did not grant). */
async function gitHubGet(github: GitHubOAuthConfig, path: string, accessToken: string, timeoutMs: number) {
  let response: Response;
  try {
    response = await fetch(`${github.apiUrl.replace(/\/$/, '')}${path}`, {
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'DevFlow',
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new OAuthFlowError('provider_unavailable', `GitHub API ${path} unreachable`, { cause: error });
  }
  if (response.status === 403 || response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new OAuthFlowError(
      response.status >= 500 ? 'provider_unavailable' : 'provider_error',
      `GitHub API ${path} answered ${response.status}`,
    );
  }
  try {
    return (await response.json()) as unknown;
  } catch (error) {
    throw new OAuthFlowError('provider_error', `GitHub API ${path} sent invalid JSON`, { cause: error });
  }
}

async function fetchGitHubIdentity(
  github: GitHubOAuthConfig,
  timeoutMs: number,
  exchange: CodeExchange,
): Promise<ProviderIdentity> {
  const client = new OAuth2Client(github.clientId, github.clientSecret, exchange.redirectUri);
  const tokens = await exchangeCode('github', client, github.tokenUrl, exchange, timeoutMs);
  const accessToken = tokenField('github', () => tokens.accessToken(), 'access token');
  const [userBody, emailsBody] = await Promise.all([
    gitHubGet(github, '/user', accessToken, timeoutMs),
    gitHubGet(github, '/user/emails', accessToken, timeoutMs),
  ]);
  const user = gitHubUser.safeParse(userBody);
  if (!user.success) throw new OAuthFlowError('provider_error', 'GitHub sent no usable /user profile');
  // Without the user:email grant there is no address we can trust: never link on a guess.
  const emails = gitHubEmails.safeParse(emailsBody ?? []);
  const primary = emails.success ? emails.data.find((entry) => entry.primary) : undefined;
  return {
    provider: 'github',
    providerUserId: String(user.data.id),
    email: primary?.email ?? null,
    emailVerified: primary?.verified ?? false,
    login: user.data.login,
    name: user.data.name ?? null,
    avatarUrl: user.data.avatar_url ?? null,
  };
}

/** One remote key set per JWKS URL, so keys are fetched once and refreshed on rotation (jose caches). */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySetFor(jwksUrl: string, timeoutMs: number) {
  const key = `${jwksUrl} ${timeoutMs}`;
  let keySet = keySets.get(key);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: timeoutMs });
    keySets.set(key, keySet);
  }
  return keySet;
}

const googleClaims = z.object({
  sub: z.string().min(1),
  nonce: z.string().optional(),
  email: z.string().optional(),
  // Google sends a boolean; very old tokens carried the string "true".
  email_verified: z.union([z.boolean(), z.literal('true'), z.literal('false')]).optional(),
  name: z.string().optional(),
  picture: z.string().optional(),
});

async function fetchGoogleIdentity(
  google: GoogleOAuthConfig,
  timeoutMs: number,
  exchange: CodeExchange,
): Promise<ProviderIdentity> {
  const client = new OAuth2Client(google.clientId, google.clientSecret, exchange.redirectUri);
  const tokens = await exchangeCode('google', client, google.tokenUrl, exchange, timeoutMs);
  const idToken = tokenField('google', () => tokens.idToken(), 'ID token');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(idToken, keySetFor(google.jwksUrl, timeoutMs), {
      issuer: google.issuers,
      audience: google.clientId,
      algorithms: ['RS256', 'ES256'],
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: 5,
    }));
  } catch (error) {
    // Key-set fetch failures (timeout, non-200, network) are the provider being down, not a bad token.
    const unavailable =
      error instanceof joseErrors.JWKSTimeout ||
      !(error instanceof joseErrors.JOSEError) ||
      error.code === 'ERR_JOSE_GENERIC';
    throw new OAuthFlowError(
      unavailable ? 'provider_unavailable' : 'invalid_id_token',
      unavailable ? 'Google key set unavailable' : `Google ID token refused: ${String(error)}`,
      { cause: error },
    );
  }
  const claims = googleClaims.safeParse(payload);
  if (!claims.success) throw new OAuthFlowError('invalid_id_token', 'Google ID token has malformed claims');
  if (exchange.nonce === null || claims.data.nonce !== exchange.nonce) {
    throw new OAuthFlowError('invalid_id_token', 'Google ID token nonce does not match this sign-in');
  }
  const email = claims.data.email ?? null;
  return {
    provider: 'google',
    providerUserId: claims.data.sub,
    email,
    emailVerified:
      email !== null && (claims.data.email_verified === true || claims.data.email_verified === 'true'),
    login: email?.split('@')[0] ?? null,
    name: claims.data.name ?? null,
    avatarUrl: claims.data.picture ?? null,
  };
}
