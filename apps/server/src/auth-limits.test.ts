import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession, defaultApiConfig } from '@devflow/api';
import { createTestUser } from '@devflow/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, lastResponse, testClient } from './testing/auth-client';
import { startTestServer, type TestServer } from './testing/server';

const PASSWORD = 'correct horse battery staple';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Small limits so each trips within a few calls; short windows (long enough for those calls on a busy
 * machine) so the IP, registration and write limits can be seen to reset.
 */
const WINDOW_SECONDS = 4;
const rateLimits = {
  ...defaultApiConfig().rateLimits,
  loginAccountIp: { points: 3, durationSeconds: 60 },
  loginIp: { points: 6, durationSeconds: WINDOW_SECONDS },
  register: { points: 3, durationSeconds: WINDOW_SECONDS },
  otpRequest: { points: 2, durationSeconds: 60 },
  writes: { points: 3, durationSeconds: WINDOW_SECONDS },
};
const waitForNextWindow = () => sleep(WINDOW_SECONDS * 1000 + 100);

describe('rate limits', () => {
  let server: TestServer;
  const anonymous = () => testClient(server.url);

  beforeAll(async () => {
    const outbox = join(mkdtempSync(join(tmpdir(), 'devflow-limits-')), 'outbox.jsonl');
    server = await startTestServer({ rateLimits, mailOutbox: outbox });
  });
  afterAll(() => server.stop());

  const expectLimited = async (call: Promise<unknown>, client: object) => {
    const error = await failure(call);
    expect(error.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(error.message).toMatch(/^Too many .+\. Try again in \d+ (second|minute)s?\.$/);
    const retryAfter = Number(lastResponse(client).headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(error.data?.retryAfter).toBe(retryAfter);
    return error;
  };

  it('limits registrations per IP, and lets them through again after the window', async () => {
    for (let i = 0; i < 3; i++) {
      await anonymous().auth.register.mutate({
        email: `reg${i}@example.com`,
        username: `reg${i}`,
        password: PASSWORD,
      });
    }
    const client = anonymous();
    await expectLimited(
      client.auth.register.mutate({ email: 'reg3@example.com', username: 'reg3', password: PASSWORD }),
      client,
    );
    expect(
      (await failure(anonymous().auth.login.mutate({ login: 'reg3', password: PASSWORD }))).data?.code,
    ).toBe('UNAUTHORIZED');
    await waitForNextWindow();
    const later = await anonymous().auth.register.mutate({
      email: 'reg3@example.com',
      username: 'reg3',
      password: PASSWORD,
    });
    expect(later.user.username).toBe('reg3');
  });

  it('limits failed sign-ins per account and IP; a success clears the count', async () => {
    // Five failures in all: under the per-IP limit (6), so only the account+IP limit (3) is in play.
    const client = anonymous();
    for (let i = 0; i < 2; i++)
      await failure(client.auth.login.mutate({ login: 'reg0', password: 'wrong password' }));
    await client.auth.login.mutate({ login: 'reg0', password: PASSWORD });
    for (let i = 0; i < 3; i++) {
      expect(
        (await failure(client.auth.login.mutate({ login: 'reg0', password: 'wrong password' }))).data?.code,
      ).toBe('UNAUTHORIZED');
    }
    // Three failures in a row now: even the right password waits.
    await expectLimited(client.auth.login.mutate({ login: 'REG0', password: PASSWORD }), client);
    // Other accounts from the same IP are not affected by this account's limit.
    expect((await anonymous().auth.login.mutate({ login: 'reg1', password: PASSWORD })).user.username).toBe(
      'reg1',
    );
  });

  it('limits failed sign-ins per IP across accounts, until the window passes', async () => {
    await waitForNextWindow();
    for (let i = 0; i < 6; i++) {
      await failure(anonymous().auth.login.mutate({ login: `someone${i}`, password: 'wrong password' }));
    }
    const client = anonymous();
    await expectLimited(client.auth.login.mutate({ login: 'reg2', password: PASSWORD }), client);
    await waitForNextWindow();
    expect((await anonymous().auth.login.mutate({ login: 'reg2', password: PASSWORD })).user.username).toBe(
      'reg2',
    );
  });

  it('limits code mails per account, the same for unknown emails', async () => {
    const user = await createTestUser(server.deps, { emailVerified: false });
    const { token } = await createSession(server.deps, { userId: user.id, ip: null, userAgent: null });
    const client = testClient(server.url, { token });
    await client.auth.requestEmailVerification.mutate();
    await client.auth.requestEmailVerification.mutate();
    await expectLimited(client.auth.requestEmailVerification.mutate(), client);

    for (const email of ['reg1@example.com', 'ghost@example.com']) {
      const resets = anonymous();
      await resets.auth.requestPasswordReset.mutate({ email });
      await resets.auth.requestPasswordReset.mutate({ email });
      await expectLimited(resets.auth.requestPasswordReset.mutate({ email }), resets);
    }
  });

  it('limits writes per user, refusing the extra write without applying it', async () => {
    const user = await createTestUser(server.deps);
    const other = await createTestUser(server.deps);
    const { token } = await createSession(server.deps, { userId: user.id, ip: null, userAgent: null });
    const otherSession = await createSession(server.deps, { userId: other.id, ip: null, userAgent: null });
    const client = testClient(server.url, { token });
    for (let i = 1; i <= 3; i++) await client.user.updateProfile.mutate({ displayName: `Name ${i}` });
    await expectLimited(client.user.updateProfile.mutate({ displayName: 'Too many' }), client);
    // On Redis the counters live there (shared by every server process), under this file's prefix.
    const redis = server.deps.cache.redis;
    if (redis) expect(await redis.keys(`${server.deps.cache.prefix}rl:writes*`)).not.toEqual([]);
    expect((await anonymous().user.byUsername.query({ username: user.username })).displayName).toBe('Name 3');
    // Reads and other users are unaffected.
    expect(await client.auth.me.query()).not.toBeNull();
    await testClient(server.url, { token: otherSession.token }).user.updateProfile.mutate({
      displayName: 'Fine',
    });
    await waitForNextWindow();
    expect((await client.user.updateProfile.mutate({ displayName: 'Later' })).displayName).toBe('Later');
  });
});
