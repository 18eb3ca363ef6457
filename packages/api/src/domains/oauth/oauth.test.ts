import { usernameSchema } from '@devflow/contract';
import { insertOAuthAccount, listOAuthAccounts } from '@devflow/db/queries/oauth';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain-errors';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import { findUserById, insertUser } from '../auth/account';
import { OAUTH_DISABLED, OAuthFlowError, type ProviderIdentity } from './providers';
import {
  beginOAuth,
  completeOAuth,
  placeholderEmail,
  safeReturnTo,
  signInWithIdentity,
  usernameBase,
} from './service';

let deps: TestDeps;

beforeAll(async () => {
  deps = await createTestDeps({
    oauth: {
      ...OAUTH_DISABLED,
      github: {
        clientId: 'id',
        clientSecret: 'secret',
        authorizeUrl: 'https://github.test/authorize',
        tokenUrl: 'https://github.test/token',
        apiUrl: 'https://api.github.test',
      },
    },
  });
});

afterAll(() => deps.close());

/** The reason an OAuth step was refused with, or the error itself when it was not a flow refusal. */
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof OAuthFlowError ? error.reason : error;
  }
}

/** The tRPC code a call failed with (a service's domain error carries the same code as its kind). */
async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (error instanceof DomainError) return error.kind;
    return error instanceof TRPCError ? error.code : error;
  }
}

let sequence = 0;
function githubIdentity(overrides: Partial<ProviderIdentity> = {}): ProviderIdentity {
  sequence += 1;
  return {
    provider: 'github',
    providerUserId: String(900_000 + sequence),
    email: null,
    emailVerified: false,
    login: `person${sequence}`,
    name: null,
    avatarUrl: null,
    ...overrides,
  };
}

describe('return paths', () => {
  const publicUrl = 'https://devflow.example.com';
  it.each([
    ['/questions/1?sort=top#answers', '/questions/1?sort=top#answers'],
    ['/a/../b', '/b'],
    [null, '/'],
    ['', '/'],
    ['questions', '/'],
    ['https://devflow.example.com/x', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example/', '/'],
    ['/\t/evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['/auth/oauth/github', '/'],
  ])('turns %j into %j', (value, expected) => {
    expect(safeReturnTo(value, publicUrl)).toBe(expected);
  });
});

describe('derived usernames', () => {
  const cases: [Partial<Pick<ProviderIdentity, 'login' | 'name' | 'email'>>, string][] = [
    [{ login: 'Octo-Cat' }, 'octo-cat'],
    [{ login: null, name: 'Zoë Ångström-Łukasz' }, 'zoe-angstrom-ukasz'],
    [{ login: null, name: null, email: 'jean.luc+tag@example.com' }, 'jean-luc-tag'],
    [{ login: '__ab__' }, 'github-ab'],
    [{ login: null, name: '李小龙' }, 'github-user'],
    [{ login: 'x'.repeat(60) }, 'x'.repeat(32)],
  ];
  it.each(cases)('derives a name from %j', (fields, expected) => {
    const base = usernameBase({ provider: 'github', login: null, name: null, email: null, ...fields });
    expect(base).toBe(expected);
    expect(usernameSchema.safeParse(base).success).toBe(true);
  });

  it('adds the smallest free numeric suffix, staying within 32 characters', async () => {
    const long = 'y'.repeat(32);
    await createTestUser(deps, { username: long });
    await createTestUser(deps, { username: `${'y'.repeat(31)}2` });
    const { userId } = await signInWithIdentity(deps, githubIdentity({ login: long }));
    expect((await findUserById(deps.db, userId))?.username).toBe(`${'y'.repeat(31)}3`);
  });

  it('gives a placeholder email in a reserved domain that can never receive mail', () => {
    expect(placeholderEmail('github', '583231')).toBe('github-583231@users.noreply.devflow.invalid');
  });
});

describe('signing in with an identity', () => {
  it('creates one account when the same identity signs in twice at once', async () => {
    const identity = githubIdentity({ email: 'twice@example.com', emailVerified: true });
    const [a, b] = await Promise.all([
      signInWithIdentity(deps, identity),
      signInWithIdentity(deps, identity),
    ]);
    expect(a.userId).toBe(b.userId);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    expect(await listOAuthAccounts(deps.db, a.userId)).toHaveLength(1);
  });

  it('keeps a placeholder unique when an identity comes back after being unlinked', async () => {
    const identity = githubIdentity();
    const first = await signInWithIdentity(deps, identity);
    // The first account moved to another provider and dropped this one.
    await insertOAuthAccount(deps.db, {
      provider: 'google',
      providerUserId: `g${sequence}`,
      userId: first.userId,
      email: null,
    });
    await callerFor(deps, await sessionUser(first.userId)).oauth.unlink({ provider: 'github' });
    const second = await signInWithIdentity(deps, identity);
    expect(second.userId).not.toBe(first.userId);
    const email = (await findUserById(deps.db, second.userId))?.email ?? '';
    expect(email).toMatch(/^github-\d+-[a-z0-9]+@users\.noreply\.devflow\.invalid$/);
  });
});

describe('the callback', () => {
  it('refuses a state that does not match the cookie, and consumes a matching one only once', async () => {
    const { state } = await beginOAuth(deps, { provider: 'github' });
    const input = { provider: 'github' as const, code: 'c', error: null, currentUserId: null };
    expect(await refusal(completeOAuth(deps, { ...input, state, cookieState: 'other' }))).toBe(
      'invalid_state',
    );
    // A declined consent uses the state up as well.
    const denied = completeOAuth(deps, { ...input, state, cookieState: state, error: 'access_denied' });
    expect(await refusal(denied)).toBe('access_denied');
    expect(await refusal(completeOAuth(deps, { ...input, state, cookieState: state }))).toBe('invalid_state');
  });

  it('limits how many sign-ins one IP may start', async () => {
    deps.config.oauth = { ...deps.config.oauth, startLimit: { points: 3, durationSeconds: 60 } };
    try {
      for (let i = 0; i < 3; i++)
        expect(await refusal(beginOAuth(deps, { provider: 'github', ip: '203.0.113.9' }))).toBe('accepted');
      expect(await refusal(beginOAuth(deps, { provider: 'github', ip: '203.0.113.9' }))).toBe(
        'too_many_attempts',
      );
      expect(await refusal(beginOAuth(deps, { provider: 'github', ip: '203.0.113.10' }))).toBe('accepted');
    } finally {
      deps.config.oauth = { ...deps.config.oauth, startLimit: undefined };
    }
  });

  it('refuses to start a provider that is not configured', async () => {
    expect(await codeOf(beginOAuth(deps, { provider: 'google' }))).toBe('NOT_FOUND');
  });
});

async function sessionUser(userId: number) {
  const row = await findUserById(deps.db, userId);
  if (!row) throw new Error('no such user');
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    emailVerified: row.emailVerified,
    suspendedUntil: row.suspendedUntil,
  };
}

describe('oauth procedures', () => {
  it('lists which providers are enabled', async () => {
    expect(await callerFor(deps).oauth.providers()).toEqual({ github: true, google: false });
  });

  it('requires a signed-in user for accounts and unlink', async () => {
    expect(await codeOf(callerFor(deps).oauth.accounts())).toBe('UNAUTHORIZED');
    expect(await codeOf(callerFor(deps).oauth.unlink({ provider: 'github' }))).toBe('UNAUTHORIZED');
  });

  it('lets a user with a password unlink their only provider', async () => {
    const row = await insertUser(deps.db, {
      email: 'has-password@example.com',
      username: 'has-password',
      passwordHash: 'argon2-hash-stand-in',
      emailVerified: true,
    });
    await insertOAuthAccount(deps.db, {
      provider: 'github',
      providerUserId: 'pw-1',
      userId: row.id,
      email: null,
    });
    const caller = callerFor(deps, await sessionUser(row.id));
    expect(await caller.oauth.accounts()).toMatchObject({
      hasPassword: true,
      accounts: [{ provider: 'github' }],
    });
    expect(await caller.oauth.unlink({ provider: 'github' })).toEqual({ accounts: [], hasPassword: true });
  });

  it('refuses to unlink the last way to sign in and leaves the link in place', async () => {
    const { userId } = await signInWithIdentity(deps, githubIdentity());
    const caller = callerFor(deps, await sessionUser(userId));
    await expect(caller.oauth.unlink({ provider: 'github' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message:
        'GitHub is your only way to sign in. Set a password or link another provider before unlinking it.',
    });
    expect(await listOAuthAccounts(deps.db, userId)).toHaveLength(1);
  });

  it('lets only one of two simultaneous unlinks through when together they would remove every way in', async () => {
    const { userId } = await signInWithIdentity(deps, githubIdentity());
    await insertOAuthAccount(deps.db, {
      provider: 'google',
      providerUserId: `race-${userId}`,
      userId,
      email: null,
    });
    const caller = callerFor(deps, await sessionUser(userId));
    const outcomes = await Promise.all([
      codeOf(caller.oauth.unlink({ provider: 'github' })),
      codeOf(caller.oauth.unlink({ provider: 'google' })),
    ]);
    expect(outcomes.sort()).toEqual(['BAD_REQUEST', 'OK']);
    expect(await listOAuthAccounts(deps.db, userId)).toHaveLength(1);
  });

  it('answers NOT_FOUND for a provider that is not linked and BAD_REQUEST for an unknown one', async () => {
    const { userId } = await signInWithIdentity(deps, githubIdentity());
    const caller = callerFor(deps, await sessionUser(userId));
    expect(await codeOf(caller.oauth.unlink({ provider: 'google' }))).toBe('NOT_FOUND');
    // @ts-expect-error: not a provider
    expect(await codeOf(caller.oauth.unlink({ provider: 'gitlab' }))).toBe('BAD_REQUEST');
  });
});
