import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppRouter, createSession, findUserById, insertUser, validateSessionToken } from '@devflow/api';
import { createTestUser } from '@devflow/api/testing';
import { users } from '@devflow/db';
import { listOAuthAccounts } from '@devflow/db/queries/oauth';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { OAUTH_STATE_COOKIE, oauthRoutes } from './oauth-routes';
import { locationOf, parseSetCookie, TestBrowser } from './testing/browser';
import { type MockOAuthProvider, startMockOAuthProvider } from './testing/mock-oauth-provider';
import { startTestServer, type TestServer } from './testing/server';

let mock: MockOAuthProvider;
let server: TestServer;

beforeAll(async () => {
  mock = await startMockOAuthProvider();
  server = await startTestServer({
    // Every test here starts its sign-ins from 127.0.0.1: lift the per-IP start limit above the file's total.
    oauth: {
      github: mock.github,
      google: mock.google,
      timeoutMs: 1000,
      startLimit: { points: 1000, durationSeconds: 600 },
    },
  });
});

afterAll(async () => {
  await server.stop();
  await mock.stop();
});

beforeEach(() => {
  mock.denyConsent = false;
  mock.idTokenTampering = null;
  mock.tokenFailure = null;
});

let nextId = 5000;
/** A provider user id no other test uses. */
const freshId = () => ++nextId;

/** A typed tRPC client that sends `browser`'s cookies from DevFlow's own origin. */
function clientOf(browser: TestBrowser) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${server.url}/trpc`,
        headers: () => ({ cookie: browser.cookieHeader(), origin: server.url }),
      }),
    ],
  });
}

/** Who `auth.me` says this browser is signed in as (through its session cookie), or null. */
async function whoAmI(browser: TestBrowser): Promise<{ id: number; email: string } | null> {
  const me = await clientOf(browser).auth.me.query();
  return me ? { id: Number(me.id), email: me.email } : null;
}

/** Step 1: DevFlow redirects to the provider. */
async function start(browser: TestBrowser, provider: 'github' | 'google', query = '') {
  const response = await browser.get(`${server.url}/auth/oauth/${provider}${query}`);
  return { response, providerUrl: locationOf(response) };
}

/** Steps 1–2: DevFlow redirects to the provider, which redirects back to the callback. */
async function authorize(browser: TestBrowser, provider: 'github' | 'google', query = '') {
  const { providerUrl } = await start(browser, provider, query);
  const callbackUrl = locationOf(await browser.get(providerUrl));
  expect(callbackUrl.startsWith(`${server.url}/auth/oauth/${provider}/callback?`)).toBe(true);
  return callbackUrl;
}

/** The whole flow; returns where DevFlow finally sent the browser, and the callback it used. */
async function signIn(browser: TestBrowser, provider: 'github' | 'google', query = '') {
  const callbackUrl = await authorize(browser, provider, query);
  const response = await browser.get(callbackUrl);
  return { location: locationOf(response), response, callbackUrl };
}

const errorPage = (reason: string) => `/auth/error?reason=${reason}`;

const userById = (id: number) => findUserById(server.deps.db, id);

const userCount = () => server.deps.db.$count(users);

describe('signing in with GitHub', () => {
  it('creates an account on the first sign-in, sets the session cookie and returns home', async () => {
    mock.githubUser = {
      id: freshId(),
      login: 'Octo-Cat',
      name: 'Octo Cat',
      avatarUrl: 'https://avatars.example.com/u/1',
      emails: [
        { email: 'octo-old@example.com', primary: false, verified: true },
        { email: 'octo@example.com', primary: true, verified: true },
      ],
    };
    const browser = new TestBrowser();
    const { response, providerUrl } = await start(browser, 'github');
    const authorizeUrl = new URL(providerUrl);
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(mock.github.authorizeUrl);
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${server.url}/auth/oauth/github/callback`);
    const stateCookie = parseSetCookie(response.headers.getSetCookie()[0] ?? '');
    expect(stateCookie.name).toBe(OAUTH_STATE_COOKIE);
    expect(stateCookie.value).toBe(authorizeUrl.searchParams.get('state'));
    expect(stateCookie.attributes.has('httponly')).toBe(true);
    expect(stateCookie.attributes.get('samesite')).toBe('Lax');
    expect(stateCookie.attributes.get('path')).toBe('/auth/oauth');
    expect(Number(stateCookie.attributes.get('max-age'))).toBeLessThanOrEqual(600);

    const callback = await browser.get(locationOf(await browser.get(providerUrl)));
    expect(locationOf(callback)).toBe('/');
    const session = callback.headers
      .getSetCookie()
      .map(parseSetCookie)
      .find((cookie) => cookie.name === 'devflow_session');
    expect(session?.attributes.has('httponly')).toBe(true);
    expect(session?.attributes.get('samesite')).toBe('Lax');
    expect(browser.cookies.has(OAUTH_STATE_COOKIE)).toBe(false);

    const me = await whoAmI(browser);
    expect(me?.email).toBe('octo@example.com');
    const row = await userById(me?.id ?? 0);
    expect(row).toMatchObject({
      username: 'octo-cat',
      displayName: 'Octo Cat',
      avatarUrl: 'https://avatars.example.com/u/1',
      emailVerified: true,
      passwordHash: null,
      role: 'admin', // the first account of an empty database, as with registration
    });
    expect(await clientOf(browser).oauth.accounts.query()).toMatchObject({
      accounts: [{ provider: 'github', email: 'octo@example.com' }],
      hasPassword: false,
    });
  });

  it('signs the same identity into the same account with a fresh session next time', async () => {
    mock.githubUser = { id: freshId(), login: 'returning', emails: [] };
    const first = new TestBrowser();
    await signIn(first, 'github');
    const second = new TestBrowser();
    const before = await userCount();
    expect((await signIn(second, 'github')).location).toBe('/');
    expect(await userCount()).toBe(before);
    expect((await whoAmI(second))?.id).toBe((await whoAmI(first))?.id);
    expect(second.cookies.get('devflow_session')).not.toBe(first.cookies.get('devflow_session'));

    // Signing in again in the same browser replaces its session rather than adding one.
    const oldToken = first.cookies.get('devflow_session') ?? '';
    await signIn(first, 'github');
    expect(first.cookies.get('devflow_session')).not.toBe(oldToken);
    expect(await validateSessionToken(server.deps, oldToken)).toBeNull();
    expect(await whoAmI(first)).not.toBeNull();
  });

  it('links to an existing account whose email GitHub reports as verified', async () => {
    const existing = await createTestUser(server.deps, { email: 'Ada@Example.com' });
    mock.githubUser = {
      id: freshId(),
      login: 'ada',
      emails: [{ email: 'ada@example.com', primary: true, verified: true }],
    };
    const browser = new TestBrowser();
    await signIn(browser, 'github');
    expect((await whoAmI(browser))?.id).toBe(existing.id);
    const links = await listOAuthAccounts(server.deps.db, existing.id);
    expect(links.map((link) => link.provider)).toEqual(['github']);
  });

  it('never links on an unverified email: a new account gets a placeholder address', async () => {
    const existing = await createTestUser(server.deps, { email: 'linus@example.com', username: 'linus' });
    const githubId = freshId();
    mock.githubUser = {
      id: githubId,
      login: 'linus',
      emails: [{ email: 'linus@example.com', primary: true, verified: false }],
    };
    const browser = new TestBrowser();
    await signIn(browser, 'github');
    const me = await whoAmI(browser);
    expect(me?.id).not.toBe(existing.id);
    const row = await userById(me?.id ?? 0);
    expect(row?.email).toBe(`github-${githubId}@users.noreply.devflow.invalid`);
    expect(row?.emailVerified).toBe(false);
    expect(row?.username).toBe('linus2');
  });

  it('hands the proven owner an account someone registered with their address but never verified', async () => {
    const squatter = await insertUser(server.deps.db, {
      email: 'grace@example.com',
      username: 'squatter',
      passwordHash: 'not-a-real-hash',
      emailVerified: false,
    });
    const squatterSession = await createSession(server.deps, {
      userId: squatter.id,
      ip: null,
      userAgent: null,
    });
    mock.githubUser = {
      id: freshId(),
      login: 'grace',
      emails: [{ email: 'grace@example.com', primary: true, verified: true }],
    };
    const browser = new TestBrowser();
    await signIn(browser, 'github');
    expect((await whoAmI(browser))?.id).toBe(squatter.id);
    expect(await userById(squatter.id)).toMatchObject({ emailVerified: true, passwordHash: null });
    expect(await validateSessionToken(server.deps, squatterSession.token)).toBeNull();
  });

  it('lets a suspended user sign in (they can still read)', async () => {
    const suspended = await createTestUser(server.deps, {
      email: 'benched@example.com',
      suspendedUntil: new Date(Date.now() + 86_400_000),
    });
    mock.githubUser = {
      id: freshId(),
      login: 'benched',
      emails: [{ email: 'benched@example.com', primary: true, verified: true }],
    };
    const browser = new TestBrowser();
    expect((await signIn(browser, 'github')).location).toBe('/');
    expect((await whoAmI(browser))?.id).toBe(suspended.id);
  });

  it('returns to a same-origin path and to / for anything else', async () => {
    mock.githubUser = { id: freshId(), login: 'traveller', emails: [] };
    const cases: [string, string][] = [
      ['/questions/42?tab=answers#a7', '/questions/42?tab=answers#a7'],
      ['https://evil.example/steal', '/'],
      ['//evil.example/steal', '/'],
      ['/\\evil.example', '/'],
    ];
    for (const [returnTo, expected] of cases) {
      const { location } = await signIn(
        new TestBrowser(),
        'github',
        `?returnTo=${encodeURIComponent(returnTo)}`,
      );
      expect(location).toBe(expected);
    }
  });
});

describe('return paths after sign-in (no open redirect)', () => {
  /** The security review's payloads (issue 14, item 4), with backslash, tab and newline variants. */
  const payloads = [
    '/.//evil.com',
    '/..//evil.com',
    '/%2e//evil.com',
    '/a/../..//evil.com',
    '/.//evil.com/path?x=1#y',
    '/\\evil.com',
    '/%5Cevil.com',
    '/.\\/evil.com',
    '/\t/evil.com',
    '/.\n//evil.com',
    '/./\r\n/evil.com',
  ];

  it('ends the callback on a path of this site for every payload', async () => {
    mock.githubUser = { id: freshId(), login: 'wanderer', emails: [] };
    const site = new URL(server.url).origin;
    for (const returnTo of payloads) {
      const { location, callbackUrl } = await signIn(
        new TestBrowser(),
        'github',
        `?returnTo=${encodeURIComponent(returnTo)}`,
      );
      const where = `${JSON.stringify(returnTo)} → Location ${location}`;
      // What the browser does with the Location header: resolve it against the callback's URL.
      expect(new URL(location, callbackUrl).origin, where).toBe(site);
      expect(location, where).toMatch(/^\/(?![/\\])/);
    }
  });

  it('still returns to the page the sign-in started from, normalized', async () => {
    mock.githubUser = { id: freshId(), login: 'homebody', emails: [] };
    const cases: [string, string][] = [
      ['/questions/7/../8?tab=answers#a1', '/questions/8?tab=answers#a1'],
      ['/%2e/users/homebody', '/users/homebody'],
    ];
    for (const [returnTo, expected] of cases) {
      const { location } = await signIn(
        new TestBrowser(),
        'github',
        `?returnTo=${encodeURIComponent(returnTo)}`,
      );
      expect(location).toBe(expected);
    }
  });
});

describe('display names from the provider', () => {
  it('strips bidi overrides and invisible characters from the provider name, and signs in', async () => {
    mock.githubUser = {
      id: freshId(),
      login: 'mirror-image',
      name: '\u202Enimda\u202C \u200BReal\uFEFF Name\u2067',
      emails: [{ email: 'mirror@example.com', primary: true, verified: true }],
    };
    const browser = new TestBrowser();
    expect((await signIn(browser, 'github')).location).toBe('/');
    const me = await whoAmI(browser);
    expect(me?.email).toBe('mirror@example.com');
    const profile = await clientOf(browser).user.byUsername.query({ username: 'mirror-image' });
    expect(profile.displayName).toBe('nimda Real Name');
  });
});

describe('signing in with Google (OpenID Connect)', () => {
  it('links a second provider with the same verified email to the same account', async () => {
    mock.githubUser = {
      id: freshId(),
      login: 'margaret',
      emails: [{ email: 'margaret@example.com', primary: true, verified: true }],
    };
    const viaGitHub = new TestBrowser();
    await signIn(viaGitHub, 'github');
    mock.googleUser = {
      sub: `g-${freshId()}`,
      email: 'Margaret@example.com',
      emailVerified: true,
      name: 'M H',
    };
    const viaGoogle = new TestBrowser();
    const { location } = await signIn(viaGoogle, 'google');
    expect(location).toBe('/');
    expect((await whoAmI(viaGoogle))?.id).toBe((await whoAmI(viaGitHub))?.id);
    const { accounts } = await clientOf(viaGoogle).oauth.accounts.query();
    expect(accounts.map((account) => account.provider).sort()).toEqual(['github', 'google']);
  });

  it('creates a separate account when Google has not verified the email', async () => {
    const existing = await createTestUser(server.deps, { email: 'katherine@example.com' });
    mock.googleUser = { sub: `g-${freshId()}`, email: 'katherine@example.com', emailVerified: false };
    const browser = new TestBrowser();
    await signIn(browser, 'google');
    const me = await whoAmI(browser);
    expect(me?.id).not.toBe(existing.id);
    expect(me?.email).toMatch(/^google-g-\d+@users\.noreply\.devflow\.invalid$/);
  });

  it('keeps an unverified Google email nobody else uses, still unverified', async () => {
    mock.googleUser = { sub: `g-${freshId()}`, email: 'dorothy.v@example.com', emailVerified: false };
    const browser = new TestBrowser();
    await signIn(browser, 'google');
    const row = await userById((await whoAmI(browser))?.id ?? 0);
    expect(row).toMatchObject({
      email: 'dorothy.v@example.com',
      emailVerified: false,
      username: 'dorothy-v',
    });
  });

  it.each([
    ['a wrong audience', { aud: 'someone-elses-client' }],
    ['a wrong nonce', { nonce: 'not-the-nonce-we-sent' }],
    ['an expired token', { expiresIn: -120 }],
    ['a foreign issuer', { iss: 'https://issuer.evil.example' }],
    ['a signature by a key outside the JWKS', { foreignKey: true }],
  ])('refuses an ID token with %s', async (_, tampering) => {
    mock.googleUser = { sub: `g-${freshId()}`, email: 'mallory@example.com', emailVerified: true };
    mock.idTokenTampering = tampering;
    const before = await userCount();
    const browser = new TestBrowser();
    const { location } = await signIn(browser, 'google');
    expect(location).toBe(errorPage('invalid_id_token'));
    expect(browser.cookies.has('devflow_session')).toBe(false);
    expect(await userCount()).toBe(before);
  });
});

describe('refusals end on the error page, never in a stack trace', () => {
  it('reports a declined consent', async () => {
    mock.denyConsent = true;
    const browser = new TestBrowser();
    expect((await signIn(browser, 'github')).location).toBe(errorPage('access_denied'));
    expect(browser.cookies.has('devflow_session')).toBe(false);
  });

  it('refuses a forged state and a callback from a browser that did not start the flow', async () => {
    mock.githubUser = { id: freshId(), login: 'forger', emails: [] };
    const before = await userCount();
    const browser = new TestBrowser();
    const callbackUrl = new URL(await authorize(browser, 'github'));
    callbackUrl.searchParams.set('state', 'forged-state-value-0123456789');
    expect(locationOf(await browser.get(callbackUrl.toString()))).toBe(errorPage('invalid_state'));

    const victim = new TestBrowser();
    const attackerCallback = await authorize(new TestBrowser(), 'github');
    expect(locationOf(await victim.get(attackerCallback))).toBe(errorPage('invalid_state'));
    expect(victim.cookies.has('devflow_session')).toBe(false);
    expect(await userCount()).toBe(before);
  });

  it('refuses a replayed callback and a replayed code', async () => {
    mock.githubUser = { id: freshId(), login: 'replayer', emails: [] };
    const browser = new TestBrowser();
    const callbackUrl = await authorize(browser, 'github');
    const stateCookie = browser.cookies.get(OAUTH_STATE_COOKIE) ?? '';
    expect(locationOf(await browser.get(callbackUrl))).toBe('/');

    // The same callback again, even with the state cookie put back: the state was used up.
    const replay = await browser.get(callbackUrl, { cookie: `${OAUTH_STATE_COOKIE}=${stateCookie}` });
    expect(locationOf(replay)).toBe(errorPage('invalid_state'));

    // The same code under a fresh, valid state: the provider refuses the used code.
    const fresh = new TestBrowser();
    const freshCallback = new URL(await authorize(fresh, 'github'));
    freshCallback.searchParams.set('code', new URL(callbackUrl).searchParams.get('code') ?? '');
    expect(locationOf(await fresh.get(freshCallback.toString()))).toBe(errorPage('invalid_code'));
    expect(fresh.cookies.has('devflow_session')).toBe(false);
  });

  it('reports a provider that is down or too slow', async () => {
    mock.githubUser = { id: freshId(), login: 'patient', emails: [] };
    mock.tokenFailure = { status: 503 };
    expect((await signIn(new TestBrowser(), 'github')).location).toBe(errorPage('provider_unavailable'));
    mock.tokenFailure = 'hang';
    const started = Date.now();
    expect((await signIn(new TestBrowser(), 'google')).location).toBe(errorPage('provider_unavailable'));
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('shows what happened on /auth/error when the web app is not built', async () => {
    const page = await fetch(`${server.url}/auth/error?reason=access_denied`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('You declined to share your account with DevFlow');
    const unknown = await (await fetch(`${server.url}/auth/error?reason=<script>`)).text();
    expect(unknown).toContain('Something went wrong on our side');
    expect(unknown).not.toContain('<script>');
  });

  it('lets the built web app render /auth/error', async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'devflow-web-'));
    writeFileSync(
      join(webDir, 'index.html'),
      '<!doctype html><title>DevFlow SPA</title><div id="root"></div>',
    );
    const routes = oauthRoutes({ deps: server.deps, log: createLogger('silent'), trustProxy: 0, webDir });
    const page = await routes.request('/error?reason=invalid_state');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('DevFlow SPA');
  });

  it('answers 404 for a provider DevFlow does not know', async () => {
    for (const path of ['/auth/oauth/gitlab', '/auth/oauth/gitlab/callback?code=x&state=y']) {
      const response = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });
});

describe('linking and unlinking providers', () => {
  it('links another provider to the signed-in account and returns where asked', async () => {
    mock.githubUser = { id: freshId(), login: 'linker', emails: [] };
    const browser = new TestBrowser();
    await signIn(browser, 'github');
    const me = await whoAmI(browser);
    mock.googleUser = { sub: `g-${freshId()}`, email: 'linker.other@example.com', emailVerified: false };
    const { location } = await signIn(browser, 'google', '?link=1&returnTo=%2Fsettings');
    expect(location).toBe('/settings');
    expect((await whoAmI(browser))?.id).toBe(me?.id);
    const { accounts } = await clientOf(browser).oauth.accounts.query();
    expect(accounts.map((account) => account.provider).sort()).toEqual(['github', 'google']);
  });

  it('refuses to link an identity that belongs to someone else, or without signing in', async () => {
    const googleUser = { sub: `g-${freshId()}`, email: 'owner@example.com', emailVerified: true };
    mock.googleUser = googleUser;
    const owner = new TestBrowser();
    await signIn(owner, 'google');

    mock.githubUser = { id: freshId(), login: 'intruder', emails: [] };
    const intruder = new TestBrowser();
    await signIn(intruder, 'github');
    mock.googleUser = googleUser;
    expect((await signIn(intruder, 'google', '?link=1')).location).toBe(errorPage('identity_in_use'));

    const anonymous = new TestBrowser();
    const response = await anonymous.get(`${server.url}/auth/oauth/google?link=1`);
    expect(locationOf(response)).toBe(errorPage('sign_in_required'));
  });

  it('unlinks one of two providers but never the last way to sign in', async () => {
    mock.githubUser = { id: freshId(), login: 'unlinker', emails: [] };
    const browser = new TestBrowser();
    await signIn(browser, 'github');
    mock.googleUser = { sub: `g-${freshId()}` };
    await signIn(browser, 'google', '?link=1');
    const client = clientOf(browser);

    const after = await client.oauth.unlink.mutate({ provider: 'google' });
    expect(after.accounts.map((account) => account.provider)).toEqual(['github']);

    const refused = await client.oauth.unlink.mutate({ provider: 'github' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<AppRouter>).data?.code).toBe('BAD_REQUEST');
    expect((refused as TRPCClientError<AppRouter>).message).toMatch(/only way to sign in/);
    expect((await client.oauth.accounts.query()).accounts.map((account) => account.provider)).toEqual([
      'github',
    ]);
    // Still able to sign in with GitHub.
    expect((await signIn(new TestBrowser(), 'github')).location).toBe('/');
  });
});

describe('with only GitHub configured', () => {
  // The server reads its OAuth configuration per request, so one server can play both set-ups.
  beforeAll(() => {
    server.deps.config.oauth = { ...server.deps.config.oauth, google: null };
  });
  afterAll(() => {
    server.deps.config.oauth = { ...server.deps.config.oauth, google: mock.google };
  });

  it('answers 404 for Google and tells the web app which buttons to show', async () => {
    for (const path of ['/auth/oauth/google', '/auth/oauth/google/callback?code=x&state=y']) {
      const response = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        error: { code: 'NOT_FOUND', message: 'Sign-in with Google is not enabled on this server.' },
      });
    }
    expect((await fetch(`${server.url}/auth/oauth/github`, { redirect: 'manual' })).status).toBe(302);
    const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${server.url}/trpc` })] });
    expect(await client.oauth.providers.query()).toEqual({ github: true, google: false });
  });
});
