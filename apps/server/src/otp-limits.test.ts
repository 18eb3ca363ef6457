import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppRouter, createSession, defaultApiConfig } from '@devflow/api';
import { createTestUser } from '@devflow/api/testing';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFromOutbox, readOutbox } from './testing/auth-client';
import { startTestServer, type TestServer } from './testing/server';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new secret';
/** The contract's defaults: 5 tries per network, 30 per code, 5 mails per account+IP, 10 per account. */
const limits = defaultApiConfig().rateLimits;

let server: TestServer;
let outbox = '';
let nextIp = 1;
/** An IP address no other call of this file uses (the server trusts one proxy hop, as `TRUST_PROXY=1`). */
const freshIp = () => `198.51.100.${nextIp++}`;

beforeAll(async () => {
  outbox = join(mkdtempSync(join(tmpdir(), 'devflow-otp-')), 'outbox.jsonl');
  server = await startTestServer({ mailOutbox: outbox }, '/nonexistent', { trustProxy: 1 });
});
afterAll(() => server.stop());

/** A tRPC client whose calls come from `ip` (through `X-Forwarded-For`). */
function from(ip: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${server.url}/trpc`,
        maxItems: 1,
        headers: () => ({
          'x-forwarded-for': ip,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        }),
      }),
    ],
  });
}

/** What a caller sees of an answer: the HTTP status, the tRPC code and the message. */
type Answer = { status: number; code: string; message: string };

async function answerOf(call: Promise<unknown>): Promise<Answer> {
  try {
    await call;
    return { status: 200, code: 'OK', message: '' };
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = (error as TRPCClientError<AppRouter>).data;
    return { status: Number(data?.httpStatus), code: String(data?.code), message: error.message };
  }
}

let accounts = 0;
/** Registers an account from a network of its own and returns its email. */
async function owner(): Promise<string> {
  accounts += 1;
  const email = `owner${accounts}@example.com`;
  await from(freshIp()).auth.register.mutate({ email, username: `owner${accounts}`, password: PASSWORD });
  return email;
}

/** The owner asks for a reset code (from the owner's network) and reads it from the mail. */
async function resetCode(email: string, ip: string): Promise<string> {
  const sent = (await readOutbox(outbox)).filter((mail) => mail.to === email).length;
  await from(ip).auth.requestPasswordReset.mutate({ email });
  return codeFromOutbox(outbox, email, sent);
}

const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');
const tryReset = (ip: string, email: string, code: string) =>
  answerOf(from(ip).auth.resetPassword.mutate({ email, code, newPassword: NEW_PASSWORD }));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe('password reset codes', () => {
  it('answers a wrong code alike for an existing and an unknown email, try after try', async () => {
    const email = await owner();
    const code = await resetCode(email, freshIp());
    const wrong = wrongFor(code);
    const unknown = 'nobody-here@example.com';

    // From one network: the same answers in the same order, up to and past the per-network limit.
    const [mine, theirs] = [freshIp(), freshIp()];
    const existing: Answer[] = [];
    const missing: Answer[] = [];
    const times = { existing: [] as number[], missing: [] as number[] };
    for (let i = 0; i < limits.otpTriesIp.points + 2; i++) {
      let started = performance.now();
      existing.push(await tryReset(mine, email, wrong));
      times.existing.push(performance.now() - started);
      started = performance.now();
      missing.push(await tryReset(theirs, unknown, wrong));
      times.missing.push(performance.now() - started);
    }
    expect(existing).toEqual(missing);
    expect(existing.slice(0, limits.otpTriesIp.points).map((a) => a.code)).toEqual(
      Array(limits.otpTriesIp.points).fill('BAD_REQUEST'),
    );
    expect(existing[0]).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      message: 'That code is wrong or has expired. Check the latest mail or request a new code.',
    });
    expect(existing.at(-1)?.code).toBe('TOO_MANY_REQUESTS');
    // Comparable time: the same steps run for both (no password hashing on a wrong code).
    expect(Math.abs(median(times.existing) - median(times.missing))).toBeLessThan(
      Math.max(25, median(times.missing)),
    );

    // From many networks, past the code's own cap: still one answer for both.
    const many = limits.otpTries + 5;
    const fromMany = async (address: string) => {
      const answers: Answer[] = [];
      for (let i = 0; i < many; i++) answers.push(await tryReset(freshIp(), address, wrong));
      return answers;
    };
    const [existingMany, missingMany] = [await fromMany(email), await fromMany(unknown)];
    expect(new Set(existingMany.map((a) => JSON.stringify(a)))).toEqual(
      new Set([JSON.stringify(existing[0])]),
    );
    expect(existingMany).toEqual(missingMany);
  });

  it("a stranger's wrong tries from 20 networks leave the owner's code working", async () => {
    const email = await owner();
    const ownerIp = freshIp();
    const code = await resetCode(email, ownerIp);
    const wrong = wrongFor(code);
    for (let i = 0; i < 20; i++) expect((await tryReset(freshIp(), email, wrong)).code).toBe('BAD_REQUEST');
    expect(await tryReset(ownerIp, email, code)).toEqual({ status: 200, code: 'OK', message: '' });
    const signedIn = await from(ownerIp).auth.login.mutate({ login: email, password: NEW_PASSWORD });
    expect(signedIn.user.email).toBe(email);
  });

  it('a stranger who tries a code to death from 20 networks and asks for codes cannot lock the owner out', async () => {
    const email = await owner();
    const ownerIp = freshIp();
    const first = await resetCode(email, ownerIp);

    // The stranger asks for codes for the owner's email until refused: that network's mails only.
    const strangerIp = freshIp();
    const requests: Answer[] = [];
    for (let i = 0; i <= limits.otpRequestAccountIp.points; i++) {
      requests.push(await answerOf(from(strangerIp).auth.requestPasswordReset.mutate({ email })));
    }
    expect(requests.at(-1)?.code).toBe('TOO_MANY_REQUESTS');

    // The owner's latest mail is the one to use now.
    const current = await resetCode(email, ownerIp);
    expect(current).toMatch(/^\d{6}$/);
    // 20 networks, each up to its limit and one more: the extra try of each is refused.
    for (let n = 0; n < 20; n++) {
      const ip = freshIp();
      const answers: Answer[] = [];
      for (let i = 0; i <= limits.otpTriesIp.points; i++)
        answers.push(await tryReset(ip, email, wrongFor(current)));
      expect(answers.map((a) => a.code)).toEqual([
        ...Array(limits.otpTriesIp.points).fill('BAD_REQUEST'),
        'TOO_MANY_REQUESTS',
      ]);
    }
    // 100 wrong tries in all: past the code's cap, so that code no longer works, with the usual answer.
    expect((await tryReset(ownerIp, email, current)).code).toBe('BAD_REQUEST');
    expect((await tryReset(ownerIp, email, first)).code).toBe('BAD_REQUEST');

    // The owner's next request brings a fresh code, and it works.
    const fresh = await resetCode(email, ownerIp);
    expect(await tryReset(ownerIp, email, fresh)).toEqual({ status: 200, code: 'OK', message: '' });
    expect((await from(ownerIp).auth.login.mutate({ login: email, password: NEW_PASSWORD })).user.email).toBe(
      email,
    );
  });
});

describe('email verification codes (the same rules)', () => {
  it('counts wrong tries per network and keeps the code working for the next network', async () => {
    const user = await createTestUser(server.deps, { emailVerified: false });
    const { token } = await createSession(server.deps, { userId: user.id, ip: null, userAgent: null });
    const home = freshIp();
    await from(home, token).auth.requestEmailVerification.mutate();
    const code = await codeFromOutbox(outbox, user.email);
    const answers: Answer[] = [];
    for (let i = 0; i <= limits.otpTriesIp.points; i++) {
      answers.push(await answerOf(from(home, token).auth.verifyEmail.mutate({ code: wrongFor(code) })));
    }
    expect(answers.map((a) => a.code)).toEqual([
      ...Array(limits.otpTriesIp.points).fill('BAD_REQUEST'),
      'TOO_MANY_REQUESTS',
    ]);
    // Even the right code waits on that network…
    expect((await answerOf(from(home, token).auth.verifyEmail.mutate({ code }))).code).toBe(
      'TOO_MANY_REQUESTS',
    );
    // …but the code itself was not destroyed.
    expect((await from(freshIp(), token).auth.verifyEmail.mutate({ code })).emailVerified).toBe(true);
  });
});
