import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppRouter, createSession, defaultApiConfig } from '@devflow/api';
import { createTestUser } from '@devflow/api/testing';
import { queryRows } from '@devflow/db';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_SIZE } from './app';
import { codeFromOutbox } from './testing/auth-client';
import { type MockOAuthProvider, startMockOAuthProvider } from './testing/mock-oauth-provider';
import { startTestServer, type TestServer } from './testing/server';

const PASSWORD = 'correct horse battery staple';
const WRONG = 'not the password at all';

/**
 * The contract's limits, except failed sign-ins per IP (20, so fewer sign-ins show it), OAuth starts
 * (10, so a batch of 30 crosses it) and the per-account mail cap (lifted: only the per-account+IP mail
 * limit is in play here).
 */
const limits = {
  ...defaultApiConfig().rateLimits,
  loginIp: { points: 20, durationSeconds: 15 * 60 },
  otpRequest: { points: 1000, durationSeconds: 3600 },
};
const OAUTH_STARTS = 10;

let server: TestServer;
let outbox = '';
let mock: MockOAuthProvider;
let nextIp = 1;
/** An IP address no other test of this file uses (the server trusts one proxy hop). */
const freshIp = () => `203.0.113.${nextIp++}`;

beforeAll(async () => {
  mock = await startMockOAuthProvider();
  outbox = join(mkdtempSync(join(tmpdir(), 'devflow-race-')), 'outbox.jsonl');
  server = await startTestServer(
    {
      mailOutbox: outbox,
      rateLimits: limits,
      oauth: {
        github: mock.github,
        google: null,
        timeoutMs: 1000,
        startLimit: { points: OAUTH_STARTS, durationSeconds: 600 },
      },
    },
    '/nonexistent',
    { trustProxy: 1 },
  );
});
afterAll(async () => {
  await server.stop();
  await mock.stop();
});

/** A tRPC client whose calls of one tick travel as one batch request (up to the server's cap). */
function batchClient(ip: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${server.url}/trpc`,
        maxItems: MAX_BATCH_SIZE,
        headers: () => ({
          'x-forwarded-for': ip,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        }),
      }),
    ],
  });
}

/** 'OK' for an answer, else the tRPC error code the client saw. */
function outcomeOf(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'OK';
  const reason: unknown = result.reason;
  return reason instanceof TRPCClientError ? String(reason.data?.code) : `thrown: ${String(reason)}`;
}

/** Runs `calls` at once (one batch per client tick) and returns each call's outcome, in order. */
async function outcomes(calls: Promise<unknown>[]): Promise<string[]> {
  return (await Promise.allSettled(calls)).map(outcomeOf);
}

const count = (list: string[], outcome: string) => list.filter((o) => o === outcome).length;

/** Registers an account (from an IP of its own) and returns its username. */
async function account(name: string): Promise<string> {
  await batchClient(freshIp()).auth.register.mutate({
    email: `${name}@example.com`,
    username: name,
    password: PASSWORD,
  });
  return name;
}

/** Fifty sign-in calls for `login`: wrong passwords, and the right one at index 45. */
const guesses = (ip: string, login: string) => {
  const client = batchClient(ip);
  return Array.from({ length: 50 }, (_, i) =>
    client.auth.login.mutate({ login, password: i === 45 ? PASSWORD : WRONG }),
  );
};

describe('rate limits hold under concurrent calls', () => {
  it('a batch of 50 guesses for one account verifies at most 10 passwords; the right one at index 45 is refused', async () => {
    const login = await account('racer1');
    const results = await outcomes(guesses(freshIp(), login));
    expect(count(results, 'UNAUTHORIZED')).toBeGreaterThan(0);
    expect(count(results, 'UNAUTHORIZED')).toBeLessThanOrEqual(limits.loginAccountIp.points);
    expect(results[45]).toBe('TOO_MANY_REQUESTS');
    expect(count(results, 'OK')).toBe(0);
    expect(count(results, 'UNAUTHORIZED') + count(results, 'TOO_MANY_REQUESTS')).toBe(50);
    // The owner, on another network, is not locked out.
    expect(
      (await batchClient(freshIp()).auth.login.mutate({ login, password: PASSWORD })).user.username,
    ).toBe(login);
  });

  it('three parallel batches (150 guesses) verify at most 10 passwords in all', async () => {
    const login = await account('racer2');
    const ip = freshIp();
    const results = await outcomes([...guesses(ip, login), ...guesses(ip, login), ...guesses(ip, login)]);
    expect(count(results, 'UNAUTHORIZED')).toBeLessThanOrEqual(limits.loginAccountIp.points);
    expect(count(results, 'OK')).toBe(0);
    expect([results[45], results[95], results[145]]).toEqual([
      'TOO_MANY_REQUESTS',
      'TOO_MANY_REQUESTS',
      'TOO_MANY_REQUESTS',
    ]);
  });

  it('guesses across many accounts from one IP verify at most the per-IP limit', async () => {
    const ip = freshIp();
    const batch = (offset: number) => {
      const client = batchClient(ip);
      return Array.from({ length: 25 }, (_, i) =>
        client.auth.login.mutate({ login: `ghost${offset + i}`, password: WRONG }),
      );
    };
    const results = await outcomes([...batch(0), ...batch(25)]);
    expect(count(results, 'UNAUTHORIZED')).toBeLessThanOrEqual(limits.loginIp.points);
    expect(count(results, 'TOO_MANY_REQUESTS')).toBeGreaterThanOrEqual(50 - limits.loginIp.points);
  });

  it('a success gives its reservation back: successes never use up the limits', async () => {
    const login = await account('racer3');
    const ip = freshIp();
    // Nine failures, then the right password: the account+IP count starts over…
    const client = batchClient(ip);
    const failures = await outcomes(
      Array.from({ length: 9 }, () => client.auth.login.mutate({ login, password: WRONG })),
    );
    expect(count(failures, 'UNAUTHORIZED')).toBe(9);
    await client.auth.login.mutate({ login, password: PASSWORD });
    const again = await outcomes(
      Array.from({ length: 11 }, () => client.auth.login.mutate({ login, password: WRONG })),
    );
    // …so ten more failures are counted before the eleventh is refused.
    expect(count(again, 'UNAUTHORIZED')).toBe(limits.loginAccountIp.points);
    expect(count(again, 'TOO_MANY_REQUESTS')).toBe(1);

    // More successful sign-ins from one IP than its failure limit (in small concurrent groups): all pass.
    const other = await account('racer4');
    const office = freshIp();
    const rounds = Math.ceil((limits.loginIp.points + 5) / 5);
    for (let round = 0; round < rounds; round++) {
      const signIns = batchClient(office);
      const results = await outcomes(
        Array.from({ length: 5 }, () => signIns.auth.login.mutate({ login: other, password: PASSWORD })),
      );
      expect(results).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    }
  });

  it('registrations: two parallel batches from one IP create at most 20 accounts', async () => {
    const ip = freshIp();
    const batch = (offset: number) => {
      const client = batchClient(ip);
      return Array.from({ length: 25 }, (_, i) =>
        client.auth.register.mutate({
          email: `burst${offset + i}@example.com`,
          username: `burst${offset + i}`,
          password: PASSWORD,
        }),
      );
    };
    const results = await outcomes([...batch(0), ...batch(25)]);
    expect(count(results, 'OK')).toBeLessThanOrEqual(limits.register.points);
    expect(count(results, 'OK') + count(results, 'TOO_MANY_REQUESTS')).toBe(50);
    const [row] = await queryRows<{ n: number }>(
      server.deps.db,
      sql`select count(*)::int as n from users where username like 'burst%'`,
    );
    expect(Number(row?.n)).toBe(count(results, 'OK'));
  });

  it('writes: two parallel batches of 40 apply at most 60', async () => {
    const user = await createTestUser(server.deps);
    const { token } = await createSession(server.deps, { userId: user.id, ip: null, userAgent: null });
    const batch = (offset: number) => {
      const client = batchClient(freshIp(), token);
      return Array.from({ length: 40 }, (_, i) =>
        client.user.updateProfile.mutate({ displayName: `Name ${offset + i}` }),
      );
    };
    const results = await outcomes([...batch(0), ...batch(40)]);
    expect(count(results, 'OK')).toBeLessThanOrEqual(limits.writes.points);
    expect(count(results, 'TOO_MANY_REQUESTS')).toBeGreaterThanOrEqual(80 - limits.writes.points);
  });

  it('code mails: two parallel batches for one email from one IP send at most the limit', async () => {
    const login = await account('racer5');
    const ip = freshIp();
    const batch = () => {
      const client = batchClient(ip);
      return Array.from({ length: 10 }, () =>
        client.auth.requestPasswordReset.mutate({ email: `${login}@example.com` }),
      );
    };
    const results = await outcomes([...batch(), ...batch()]);
    expect(count(results, 'OK')).toBeLessThanOrEqual(limits.otpRequestAccountIp.points);
    expect(count(results, 'TOO_MANY_REQUESTS')).toBe(20 - count(results, 'OK'));
  });

  it('code tries: a batch of 50 reset codes from one IP checks at most 5; the right code at index 45 is refused', async () => {
    const login = await account('racer6');
    const email = `${login}@example.com`;
    await batchClient(freshIp()).auth.requestPasswordReset.mutate({ email });
    const code = await codeFromOutbox(outbox, email);
    const wrong = code === '000000' ? '111111' : '000000';
    const client = batchClient(freshIp());
    const results = await outcomes(
      Array.from({ length: 50 }, (_, i) =>
        client.auth.resetPassword.mutate({
          email,
          code: i === 45 ? code : wrong,
          newPassword: 'a brand new secret',
        }),
      ),
    );
    expect(count(results, 'BAD_REQUEST')).toBeLessThanOrEqual(limits.otpTriesIp.points);
    expect(results[45]).toBe('TOO_MANY_REQUESTS');
    expect(count(results, 'OK')).toBe(0);
    // The password is unchanged, and the owner's code still works from the owner's network.
    expect(
      (await batchClient(freshIp()).auth.login.mutate({ login, password: PASSWORD })).user.username,
    ).toBe(login);
    expect(
      await batchClient(freshIp()).auth.resetPassword.mutate({
        email,
        code,
        newPassword: 'a brand new secret',
      }),
    ).toEqual({ ok: true });
  });

  it('OAuth starts: 30 at once from one IP start at most the limit', async () => {
    const ip = freshIp();
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(`${server.url}/auth/oauth/github`, { redirect: 'manual', headers: { 'x-forwarded-for': ip } }),
      ),
    );
    const locations = responses.map((response) => response.headers.get('location') ?? '');
    const started = locations.filter((location) => location.startsWith(mock.url)).length;
    expect(started).toBeGreaterThan(0);
    expect(started).toBeLessThanOrEqual(OAUTH_STARTS);
    expect(locations.filter((location) => location.includes('too_many_attempts'))).toHaveLength(30 - started);
  });
});
