import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultApiConfig, sessionIdOf } from '@devflow/api';
import { queryRows, sessions, users } from '@devflow/db';
import { TRPCClientError } from '@trpc/client';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeFromOutbox,
  failure,
  lastResponse,
  readOutbox,
  sessionCookieOf,
  testClient,
} from './testing/auth-client';
import { startTestServer, type TestServer } from './testing/server';

const DAY = 24 * 60 * 60 * 1000;
const PASSWORD = 'correct horse battery staple';

describe('accounts and sessions over HTTP', () => {
  let server: TestServer;
  let outbox: string;
  const anonymous = () => testClient(server.url);
  const bearer = (token: string) => testClient(server.url, { token });

  beforeAll(async () => {
    outbox = join(mkdtempSync(join(tmpdir(), 'devflow-auth-')), 'mail', 'outbox.jsonl');
    // Every call here comes from 127.0.0.1: lift the per-network code tries above the file's total, and
    // keep the contract's first per-code cap so a code can be seen to stop working (otp-limits.test.ts
    // covers the per-network limit and the higher default cap).
    const limits = defaultApiConfig().rateLimits;
    server = await startTestServer({
      mailOutbox: outbox,
      rateLimits: { ...limits, otpTriesIp: { points: 100, durationSeconds: 900 }, otpTries: 5 },
    });
  });
  afterAll(() => server.stop());

  const countUsers = async () =>
    Number((await queryRows<{ n: number }>(server.deps.db, sql`select count(*)::int as n from users`))[0]?.n);

  it('registers (first user becomes admin), signs in, knows who you are, and signs out', async () => {
    const client = anonymous();
    const registered = await client.auth.register.mutate({
      email: 'Ada@Example.com',
      username: 'ada',
      password: PASSWORD,
    });
    expect(registered.user).toMatchObject({
      username: 'ada',
      email: 'Ada@Example.com',
      role: 'admin',
      emailVerified: false,
    });
    expect(sessionCookieOf(lastResponse(client))?.value).toBe(registered.token);

    const second = await anonymous().auth.register.mutate({
      email: 'bob@example.com',
      username: 'bob',
      password: PASSWORD,
    });
    expect(second.user.role).toBe('user');

    const login = await client.auth.login.mutate({ login: 'ADA@example.com', password: PASSWORD });
    expect(login.token).not.toBe(registered.token);
    const setCookie = lastResponse(client).headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/devflow_session=[^;]+; .*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/);
    expect(Number(/Max-Age=(\d+)/.exec(setCookie)?.[1])).toBeGreaterThan(29 * 24 * 3600);

    const byUsername = await anonymous().auth.login.mutate({ login: 'Ada', password: PASSWORD });
    expect(byUsername.user.id).toBe(registered.user.id);

    expect(await bearer(login.token).auth.me.query()).toMatchObject({
      id: registered.user.id,
      username: 'ada',
    });
    expect(await anonymous().auth.me.query()).toBeNull();

    const session = bearer(login.token);
    expect(await session.auth.logout.mutate()).toEqual({ ok: true });
    expect(sessionCookieOf(lastResponse(session))).toEqual({ value: '', maxAge: 0 });
    expect(await bearer(login.token).auth.me.query()).toBeNull();
    // Other sessions of the same account are untouched by a single sign-out.
    expect(await bearer(registered.token).auth.me.query()).toMatchObject({ username: 'ada' });
    expect((await failure(bearer(login.token).auth.logout.mutate())).data?.code).toBe('UNAUTHORIZED');
  });

  it('answers an unknown account exactly like a wrong password', async () => {
    await anonymous().auth.register.mutate({
      email: 'carol@example.com',
      username: 'carol',
      password: PASSWORD,
    });
    const timed = async (login: string) => {
      const started = performance.now();
      const error = await failure(anonymous().auth.login.mutate({ login, password: 'not the password' }));
      return { error, ms: performance.now() - started };
    };
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1] ?? 0;
    const wrongRuns = [];
    const unknownRuns = [];
    for (let i = 0; i < 3; i++) {
      wrongRuns.push(await timed('carol'));
      unknownRuns.push(await timed(`nobody-here-${i}`));
    }
    for (const { error } of [...wrongRuns, ...unknownRuns]) {
      expect(error.data?.code).toBe('UNAUTHORIZED');
      expect(error.data?.httpStatus).toBe(401);
      expect(error.message).toBe('Wrong email, username or password.');
    }
    // Both verify an argon2id hash: neither answers in a fraction of the other's time.
    const wrongMs = median(wrongRuns.map((run) => run.ms));
    const unknownMs = median(unknownRuns.map((run) => run.ms));
    expect(unknownMs).toBeGreaterThan(wrongMs / 4);
    expect(wrongMs).toBeGreaterThan(unknownMs / 4);
  });

  it('refuses taken emails and usernames case-insensitively, naming which one, and changes nothing', async () => {
    await anonymous().auth.register.mutate({
      email: 'dave@example.com',
      username: 'dave',
      password: PASSWORD,
    });
    const before = await countUsers();
    const email = await failure(
      anonymous().auth.register.mutate({ email: 'DAVE@example.com', username: 'dave2', password: PASSWORD }),
    );
    expect(email.data?.code).toBe('CONFLICT');
    expect(email.message).toBe('That email address is already taken.');
    const name = await failure(
      anonymous().auth.register.mutate({ email: 'dave2@example.com', username: 'DAVE', password: PASSWORD }),
    );
    expect(name.data?.code).toBe('BAD_REQUEST'); // upper case is not a valid username at all
    const username = await failure(
      anonymous().auth.register.mutate({ email: 'dave3@example.com', username: 'dave', password: PASSWORD }),
    );
    expect(username.data?.code).toBe('CONFLICT');
    expect(username.message).toBe('That username is already taken.');
    expect(await countUsers()).toBe(before);
  });

  it('gives CONFLICT, never a 500, when two registrations race for the same name', async () => {
    const attempts = await Promise.all(
      ['race1@example.com', 'race2@example.com', 'race3@example.com'].map((email) =>
        anonymous()
          .auth.register.mutate({ email, username: 'racer', password: PASSWORD })
          .then(
            () => 'registered',
            (error: unknown) => (error instanceof TRPCClientError ? String(error.data?.code) : 'other error'),
          ),
      ),
    );
    expect(attempts.sort()).toEqual(['CONFLICT', 'CONFLICT', 'registered']);
  });

  it('refuses bad input with BAD_REQUEST naming the field, and stores nothing', async () => {
    const before = await countUsers();
    const cases = [
      { email: 'not-an-email', username: 'erin', password: PASSWORD, field: 'email' },
      { email: 'erin@example.com', username: 'er', password: PASSWORD, field: 'username' },
      { email: 'erin@example.com', username: 'erin!', password: PASSWORD, field: 'username' },
      { email: 'erin@example.com', username: 'erin', password: 'short', field: 'password' },
      { email: 'erin@example.com', username: 'erin', password: 'x'.repeat(257), field: 'password' },
      { email: 'erin@example.com', username: 'erin', password: 'password1', field: 'password' },
      { email: 'erin@example.com', username: 'erin', password: 'Baseball', field: 'password' },
    ];
    for (const { field, ...input } of cases) {
      const error = await failure(anonymous().auth.register.mutate(input));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.message).toContain(`${field}:`);
    }
    expect((await failure(anonymous().auth.login.mutate({ login: '', password: 'x' }))).data?.code).toBe(
      'BAD_REQUEST',
    );
    expect(await countUsers()).toBe(before);
  });

  it('stores only SHA-256 hashes of tokens', async () => {
    const { token } = await anonymous().auth.register.mutate({
      email: 'frank@example.com',
      username: 'frank',
      password: PASSWORD,
    });
    const rows = await queryRows<{ id: string; user_agent: string | null }>(
      server.deps.db,
      sql`select id, user_agent from sessions`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((row) => row.id === sessionIdOf(token))).toBe(true);
    const dump = JSON.stringify(await queryRows(server.deps.db, sql`select * from sessions`));
    expect(dump).not.toContain(token);
    const passwordHashes = await server.deps.db.select({ hash: users.passwordHash }).from(users);
    expect(passwordHashes.every((row) => row.hash?.startsWith('$argon2id$v=19$m=19456,t=2,p=1$'))).toBe(true);
  });

  describe('session lifetime', () => {
    const age = async (token: string, times: { expiresAt: Date; signedInAt: Date }) => {
      await server.deps.db
        .update(sessions)
        .set(times)
        .where(eq(sessions.id, sessionIdOf(token)));
      await server.deps.cache.del(`session:${sessionIdOf(token)}`);
    };

    it('slides a session used in its last 15 days and sends the cookie again', async () => {
      const { token } = await anonymous().auth.login.mutate({ login: 'frank', password: PASSWORD });
      await age(token, {
        expiresAt: new Date(Date.now() + 2 * DAY),
        signedInAt: new Date(Date.now() - 28 * DAY),
      });
      const browser = testClient(server.url, { cookie: `devflow_session=${token}` });
      expect(await browser.auth.me.query()).toMatchObject({ username: 'frank' });
      const cookie = sessionCookieOf(lastResponse(browser));
      expect(cookie?.value).toBe(token);
      expect(cookie?.maxAge).toBeGreaterThan(29 * 24 * 3600);
      const [row] = await server.deps.db
        .select()
        .from(sessions)
        .where(eq(sessions.id, sessionIdOf(token)));
      expect(row?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
      // A session far from its end is not rewritten.
      await server.deps.cache.del(`session:${sessionIdOf(token)}`);
      expect(await browser.auth.me.query()).toMatchObject({ username: 'frank' });
      expect(sessionCookieOf(lastResponse(browser))).toBeNull();
    });

    it('never slides past 90 days after sign-in', async () => {
      const { token } = await anonymous().auth.login.mutate({ login: 'frank', password: PASSWORD });
      await age(token, {
        expiresAt: new Date(Date.now() + 5 * DAY),
        signedInAt: new Date(Date.now() - 87 * DAY),
      });
      expect(await bearer(token).auth.me.query()).toMatchObject({ username: 'frank' });
      const [row] = await server.deps.db
        .select()
        .from(sessions)
        .where(eq(sessions.id, sessionIdOf(token)));
      expect(row?.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3 * DAY + 5000);
    });

    it('refuses and deletes expired sessions and sessions past their absolute lifetime', async () => {
      const expired = await anonymous().auth.login.mutate({ login: 'frank', password: PASSWORD });
      await age(expired.token, {
        expiresAt: new Date(Date.now() - 1000),
        signedInAt: new Date(Date.now() - 31 * DAY),
      });
      const browser = testClient(server.url, { cookie: `devflow_session=${expired.token}` });
      expect(await browser.auth.me.query()).toBeNull();
      expect(sessionCookieOf(lastResponse(browser))).toEqual({ value: '', maxAge: 0 });
      expect((await failure(bearer(expired.token).auth.logoutAll.mutate())).data?.code).toBe('UNAUTHORIZED');

      const old = await anonymous().auth.login.mutate({ login: 'frank', password: PASSWORD });
      await age(old.token, {
        expiresAt: new Date(Date.now() + 20 * DAY),
        signedInAt: new Date(Date.now() - 91 * DAY),
      });
      expect(await bearer(old.token).auth.me.query()).toBeNull();

      const left = await server.deps.db
        .select({ id: sessions.id })
        .from(sessions)
        .where(sql`${sessions.id} in (${sessionIdOf(expired.token)}, ${sessionIdOf(old.token)})`);
      expect(left).toEqual([]);
    });

    it('signs out every session of the account with logoutAll', async () => {
      const a = await anonymous().auth.login.mutate({ login: 'frank', password: PASSWORD });
      const b = await anonymous().auth.login.mutate({ login: 'frank', password: PASSWORD });
      expect(await bearer(b.token).auth.me.query()).not.toBeNull(); // cached now
      expect(await bearer(a.token).auth.logoutAll.mutate()).toEqual({ ok: true });
      expect(await bearer(a.token).auth.me.query()).toBeNull();
      expect(await bearer(b.token).auth.me.query()).toBeNull();
    });
  });

  describe('CSRF', () => {
    it('refuses a cookie-authenticated mutation from a foreign or missing Origin, allows our own and Bearer', async () => {
      const { token } = await anonymous().auth.login.mutate({ login: 'carol', password: PASSWORD });
      const cookie = `devflow_session=${token}`;
      const foreign = await failure(
        testClient(server.url, { cookie, origin: 'https://evil.example' }).user.updateProfile.mutate({
          displayName: 'Hacked',
        }),
      );
      expect(foreign.data?.code).toBe('FORBIDDEN');
      expect(foreign.message).toMatch(/Cross-site request refused.*not https:\/\/evil\.example/);
      const missing = await failure(
        testClient(server.url, { cookie }).user.updateProfile.mutate({ displayName: 'Hacked' }),
      );
      expect(missing.data?.code).toBe('FORBIDDEN');
      expect((await anonymous().user.byUsername.query({ username: 'carol' })).displayName).toBeNull();

      // Reads are not subject to it; the server's own origin and Bearer tokens pass.
      expect(
        await testClient(server.url, { cookie, origin: 'https://evil.example' }).auth.me.query(),
      ).not.toBeNull();
      const own = new URL(server.deps.config.publicUrl).origin;
      const updated = await testClient(server.url, { cookie, origin: own }).user.updateProfile.mutate({
        displayName: 'Carol',
      });
      expect(updated.displayName).toBe('Carol');
      const viaBearer = await testClient(server.url, {
        token,
        origin: 'https://evil.example',
      }).user.updateProfile.mutate({
        displayName: 'Carol C.',
      });
      expect(viaBearer.displayName).toBe('Carol C.');
    });
  });

  describe('codes by mail', () => {
    it('verifies the email address with the code from the outbox', async () => {
      const { token, user } = await anonymous().auth.register.mutate({
        email: 'gina@example.com',
        username: 'gina',
        password: PASSWORD,
      });
      const gina = bearer(token);
      expect(await gina.auth.requestEmailVerification.mutate()).toEqual({ ok: true });
      const code = await codeFromOutbox(outbox, 'gina@example.com');
      expect(code).toMatch(/^\d{6}$/);
      const [mail] = (await readOutbox(outbox)).filter((m) => m.to === 'gina@example.com');
      expect(mail?.text).toContain(code);
      const wrongCode = code === '000000' ? '111111' : '000000';
      const wrong = await failure(gina.auth.verifyEmail.mutate({ code: wrongCode }));
      expect(wrong.data?.code).toBe('BAD_REQUEST');
      const verified = await gina.auth.verifyEmail.mutate({ code });
      expect(verified).toMatchObject({ id: user.id, emailVerified: true });
      expect((await gina.auth.me.query())?.emailVerified).toBe(true);
      // Single use, and nothing more to verify.
      expect((await failure(gina.auth.verifyEmail.mutate({ code }))).data?.code).toBe('BAD_REQUEST');
      expect((await failure(gina.auth.requestEmailVerification.mutate())).message).toMatch(
        /already verified/,
      );
      expect((await failure(gina.auth.verifyEmail.mutate({ code: '12ab56' }))).data?.code).toBe(
        'BAD_REQUEST',
      );
    });

    it('fails a sixth try even with the right code', async () => {
      const { token } = await anonymous().auth.register.mutate({
        email: 'hal@example.com',
        username: 'hal',
        password: PASSWORD,
      });
      const hal = bearer(token);
      await hal.auth.requestEmailVerification.mutate();
      const code = await codeFromOutbox(outbox, 'hal@example.com');
      const wrongCode = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) {
        expect((await failure(hal.auth.verifyEmail.mutate({ code: wrongCode }))).message).toMatch(
          /wrong or has expired/,
        );
      }
      // Past the code's tries even the right code gets the one answer for a code that does not work.
      const sixth = await failure(hal.auth.verifyEmail.mutate({ code }));
      expect(sixth.data?.code).toBe('BAD_REQUEST');
      expect(sixth.message).toMatch(/wrong or has expired/);
      expect((await hal.auth.me.query())?.emailVerified).toBe(false);

      // A new code starts over, and the fifth try may be the right one.
      await hal.auth.requestEmailVerification.mutate();
      const fresh = await codeFromOutbox(outbox, 'hal@example.com', 1);
      const freshWrong = fresh === '000000' ? '111111' : '000000';
      for (let i = 0; i < 4; i++) await failure(hal.auth.verifyEmail.mutate({ code: freshWrong }));
      expect((await hal.auth.verifyEmail.mutate({ code: fresh })).emailVerified).toBe(true);
    });

    it('resets the password with the mailed code, ending every session, and says the same for unknown emails', async () => {
      const { token } = await anonymous().auth.register.mutate({
        email: 'ivy@example.com',
        username: 'ivy',
        password: PASSWORD,
      });
      const mailsBefore = (await readOutbox(outbox)).length;
      expect(await anonymous().auth.requestPasswordReset.mutate({ email: 'nobody@example.com' })).toEqual({
        ok: true,
      });
      expect(await anonymous().auth.requestPasswordReset.mutate({ email: 'IVY@example.com' })).toEqual({
        ok: true,
      });
      const code = await codeFromOutbox(outbox, 'ivy@example.com');
      // Both requests' jobs have run: the unknown address got nothing.
      await server.deps.jobs.drainJobs();
      expect((await readOutbox(outbox)).length).toBe(mailsBefore + 1);

      const weak = await failure(
        anonymous().auth.resetPassword.mutate({ email: 'ivy@example.com', code, newPassword: 'qwerty123' }),
      );
      expect(weak.data?.code).toBe('BAD_REQUEST');
      const stranger = await failure(
        anonymous().auth.resetPassword.mutate({
          email: 'nobody@example.com',
          code,
          newPassword: 'a brand new secret',
        }),
      );
      expect(stranger.data?.code).toBe('BAD_REQUEST');

      expect(
        await anonymous().auth.resetPassword.mutate({
          email: 'ivy@example.com',
          code,
          newPassword: 'a brand new secret',
        }),
      ).toEqual({ ok: true });
      expect(await bearer(token).auth.me.query()).toBeNull();
      expect(
        (await failure(anonymous().auth.login.mutate({ login: 'ivy', password: PASSWORD }))).data?.code,
      ).toBe('UNAUTHORIZED');
      const signedIn = await anonymous().auth.login.mutate({ login: 'ivy', password: 'a brand new secret' });
      expect(signedIn.user.emailVerified).toBe(true);
      const reused = await failure(
        anonymous().auth.resetPassword.mutate({
          email: 'ivy@example.com',
          code,
          newPassword: 'yet another secret',
        }),
      );
      expect(reused.data?.code).toBe('BAD_REQUEST');
    });
  });
});
