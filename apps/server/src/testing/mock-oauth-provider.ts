import { createHash, randomBytes } from 'node:crypto';
import type { GitHubOAuthConfig, GoogleOAuthConfig } from '@devflow/api';
import { Hono } from 'hono';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { startHttpServer } from '../http-server';

/** The GitHub account the mock signs in as: `/user` plus `/user/emails`. */
export type MockGitHubUser = {
  id: number;
  login: string;
  name?: string | null;
  avatarUrl?: string | null;
  emails: { email: string; primary: boolean; verified: boolean }[];
};

/** The Google account the mock signs in as (ID token claims). */
export type MockGoogleUser = {
  sub: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  picture?: string;
};

/** Ways to spoil the next ID token, to prove DevFlow refuses it. */
export type IdTokenTampering = {
  aud?: string;
  iss?: string;
  nonce?: string;
  /** Seconds from now until `exp`; negative for an expired token. */
  expiresIn?: number;
  /** Sign with a key that is not in the JWKS. */
  foreignKey?: boolean;
};

/** How the token endpoint misbehaves: an HTTP status, or never answering in time. */
export type TokenFailure = { status: number } | 'hang';

type IssuedCode = {
  provider: 'github' | 'google';
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | null;
  github: MockGitHubUser | null;
  google: MockGoogleUser | null;
};

/**
 * A local stand-in for GitHub's and Google's OAuth endpoints on 127.0.0.1, strict where the real ones
 * are strict: client credentials, redirect URI, PKCE S256, single-use codes, bearer tokens, and ID
 * tokens signed with a key published at its JWKS endpoint. Tests choose who signs in and how the
 * provider misbehaves through the mutable fields.
 */
export type MockOAuthProvider = {
  url: string;
  /** DevFlow's GitHub configuration pointing at this mock. */
  github: GitHubOAuthConfig;
  /** DevFlow's Google configuration pointing at this mock. */
  google: GoogleOAuthConfig;
  /** Who the next GitHub authorization signs in as. */
  githubUser: MockGitHubUser;
  /** Who the next Google authorization signs in as. */
  googleUser: MockGoogleUser;
  /** When true, the authorize endpoints answer `error=access_denied` (consent declined). */
  denyConsent: boolean;
  /** Applied to every ID token until reset to null. */
  idTokenTampering: IdTokenTampering | null;
  /** Applied to every token request until reset to null. */
  tokenFailure: TokenFailure | null;
  /** Token requests received (including refused ones). */
  tokenRequests: number;
  stop(): Promise<void>;
};

const base64url = (bytes: Buffer) => bytes.toString('base64url');
const s256 = (verifier: string) => base64url(createHash('sha256').update(verifier).digest());

/** Starts the mock provider on a free port of 127.0.0.1. */
export async function startMockOAuthProvider(): Promise<MockOAuthProvider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256');
  const kid = 'mock-key-1';
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  const usedCodes = new Set<string>();
  const accessTokens = new Map<string, MockGitHubUser>();
  const app = new Hono();
  let issuer = '';

  const state: Omit<MockOAuthProvider, 'url' | 'github' | 'google' | 'stop'> = {
    githubUser: { id: 1, login: 'octocat', name: 'The Octocat', emails: [] },
    googleUser: { sub: '1' },
    denyConsent: false,
    idTokenTampering: null,
    tokenFailure: null,
    tokenRequests: 0,
  };

  const clients = {
    github: { id: 'github-client-id', secret: 'github-client-secret' },
    google: { id: 'google-client-id.apps.example', secret: 'google-client-secret' },
  };

  app.get('/:provider/authorize', (c) => {
    const provider = c.req.param('provider');
    if (provider !== 'github' && provider !== 'google') return c.text('unknown provider', 404);
    const q = (name: string) => c.req.query(name) ?? '';
    if (q('client_id') !== clients[provider].id) return c.text('unknown client_id', 400);
    if (!q('redirect_uri') || !q('state')) return c.text('redirect_uri and state are required', 400);
    if (q('code_challenge_method') !== 'S256' || !q('code_challenge'))
      return c.text('PKCE S256 required', 400);
    if (provider === 'google' && (!q('nonce') || !q('scope').split(' ').includes('openid'))) {
      return c.text('openid scope and nonce required', 400);
    }
    const back = new URL(q('redirect_uri'));
    back.searchParams.set('state', q('state'));
    if (state.denyConsent) {
      back.searchParams.set('error', 'access_denied');
      return c.redirect(back.toString(), 302);
    }
    const code = base64url(randomBytes(16));
    codes.set(code, {
      provider,
      clientId: q('client_id'),
      redirectUri: q('redirect_uri'),
      challenge: q('code_challenge'),
      nonce: provider === 'google' ? q('nonce') : null,
      github: provider === 'github' ? structuredClone(state.githubUser) : null,
      google: provider === 'google' ? structuredClone(state.googleUser) : null,
    });
    back.searchParams.set('code', code);
    return c.redirect(back.toString(), 302);
  });

  app.post('/:provider/token', async (c) => {
    state.tokenRequests += 1;
    const provider = c.req.param('provider');
    if (provider !== 'github' && provider !== 'google') return c.text('unknown provider', 404);
    const failure = state.tokenFailure;
    if (failure === 'hang') {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      return c.json({ error: 'temporarily_unavailable' }, 503);
    }
    if (failure) {
      return new Response(JSON.stringify({ error: 'temporarily_unavailable' }), {
        status: failure.status,
        headers: { 'content-type': 'application/json' },
      });
    }
    // GitHub reports token errors with status 200; Google with 400/401, as the real ones do.
    const refuse = (error: string) =>
      provider === 'github' ? c.json({ error, error_description: error }) : c.json({ error }, 400);
    const [scheme, encoded] = (c.req.header('authorization') ?? '').split(' ');
    const [clientId, secret] = Buffer.from(encoded ?? '', 'base64')
      .toString('utf8')
      .split(':');
    if (scheme !== 'Basic' || clientId !== clients[provider].id || secret !== clients[provider].secret) {
      return provider === 'github'
        ? refuse('incorrect_client_credentials')
        : c.json({ error: 'invalid_client' }, 401);
    }
    const form = await c.req.parseBody();
    const code = String(form.code ?? '');
    const issued = codes.get(code);
    codes.delete(code);
    if (!issued || usedCodes.has(code) || issued.provider !== provider) {
      return refuse(provider === 'github' ? 'bad_verification_code' : 'invalid_grant');
    }
    usedCodes.add(code);
    if (form.grant_type !== 'authorization_code' || form.redirect_uri !== issued.redirectUri) {
      return refuse(provider === 'github' ? 'redirect_uri_mismatch' : 'invalid_grant');
    }
    if (s256(String(form.code_verifier ?? '')) !== issued.challenge) {
      return refuse(provider === 'github' ? 'bad_verification_code' : 'invalid_grant');
    }
    const accessToken = base64url(randomBytes(20));
    if (issued.github) {
      accessTokens.set(accessToken, issued.github);
      return c.json({ access_token: accessToken, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    const user = issued.google ?? { sub: '0' };
    const tamper = state.idTokenTampering ?? {};
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { nonce: tamper.nonce ?? issued.nonce };
    if (user.email !== undefined) claims.email = user.email;
    if (user.emailVerified !== undefined) claims.email_verified = user.emailVerified;
    if (user.name !== undefined) claims.name = user.name;
    if (user.picture !== undefined) claims.picture = user.picture;
    const expiresIn = tamper.expiresIn ?? 3600;
    const idToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setSubject(user.sub)
      .setIssuer(tamper.iss ?? issuer)
      .setAudience(tamper.aud ?? issued.clientId)
      .setIssuedAt(Math.min(now, now + expiresIn - 60))
      .setExpirationTime(now + expiresIn)
      .sign(tamper.foreignKey ? foreign.privateKey : privateKey);
    return c.json({
      access_token: accessToken,
      expires_in: 3599,
      token_type: 'Bearer',
      scope: 'openid email profile',
      id_token: idToken,
    });
  });

  app.get('/google/jwks', (c) => c.json({ keys: [publicJwk] }));

  const bearerUser = (header: string | undefined) =>
    accessTokens.get(/^Bearer (\S+)$/.exec(header ?? '')?.[1] ?? '');

  app.get('/github/api/user', (c) => {
    const user = bearerUser(c.req.header('authorization'));
    if (!user) return c.json({ message: 'Bad credentials' }, 401);
    return c.json({
      id: user.id,
      login: user.login,
      name: user.name ?? null,
      avatar_url: user.avatarUrl ?? null,
      email: null,
    });
  });

  app.get('/github/api/user/emails', (c) => {
    const user = bearerUser(c.req.header('authorization'));
    if (!user) return c.json({ message: 'Bad credentials' }, 401);
    return c.json(user.emails.map((entry) => ({ ...entry, visibility: entry.primary ? 'private' : null })));
  });

  const server = await startHttpServer(app, '127.0.0.1', 0);
  issuer = `${server.url}/google`;
  const mock: MockOAuthProvider = Object.assign(state, {
    url: server.url,
    github: {
      clientId: clients.github.id,
      clientSecret: clients.github.secret,
      authorizeUrl: `${server.url}/github/authorize`,
      tokenUrl: `${server.url}/github/token`,
      apiUrl: `${server.url}/github/api`,
    },
    google: {
      clientId: clients.google.id,
      clientSecret: clients.google.secret,
      authorizeUrl: `${server.url}/google/authorize`,
      tokenUrl: `${server.url}/google/token`,
      jwksUrl: `${server.url}/google/jwks`,
      issuers: [issuer],
    },
    stop: () => server.stop(500),
  });
  return mock;
}
