import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyPostgresDatabase } from '@devflow/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ChildServer, spawnServer } from '../testing/child-server';
import { call, field } from '../testing/flows';
import { listProcedures } from '../testing/procedures';

/**
 * Property names an API output must never have: credentials and their hashes (a flag such as
 * `hasPassword` is fine; the password or its hash is not).
 */
const FORBIDDEN_OUTPUT_KEYS = /^(password|newPassword|code|otp|secret)$|hash$|secret$/i;

/** Every property name anywhere in a JSON Schema. */
function propertyNames(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {
    for (const item of schema) propertyNames(item, into);
  } else if (typeof schema === 'object' && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && typeof value === 'object' && value !== null) {
        for (const name of Object.keys(value)) into.add(name);
      }
      propertyNames(value, into);
    }
  }
  return into;
}

/** `needle` as a whole token: not part of a longer run of letters or digits (timestamps, ids). */
function containsToken(haystack: string, needle: string): boolean {
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![0-9A-Za-z])${escaped}(?![0-9A-Za-z])`).test(haystack);
}

describe('passwords never leave the auth module', () => {
  const procedures = listProcedures();

  it('every procedure declares an output schema, so no row is ever returned whole', () => {
    const missing = procedures.filter((p) => p.output === null).map((p) => p.path);
    expect(missing).toEqual([]);
  });

  it('no output schema has a password, hash, secret or OTP field', () => {
    for (const procedure of procedures) {
      if (!procedure.output) continue;
      const json = z.toJSONSchema(procedure.output, { io: 'output', unrepresentable: 'any' });
      const leaking = [...propertyNames(json)].filter((name) => FORBIDDEN_OUTPUT_KEYS.test(name));
      expect(leaking, procedure.path).toEqual([]);
    }
  });
});

describe('credentials never reach the logs or API answers (real server process, debug logging)', () => {
  let server: ChildServer;
  let dir: string;
  let dropDb: (() => Promise<void>) | null = null;
  const outbox = () => {
    const file = join(dir, 'outbox.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { to: string; code: string });
  };
  /** The code of the next mail after `seen` mails (code mails are jobs: they follow the answer). */
  const nextCode = async (seen: number) => {
    const deadline = Date.now() + 20_000;
    while (outbox().length <= seen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return outbox()[seen]?.code ?? '';
  };
  const secrets: { what: string; value: string }[] = [];
  const responses: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'devflow-secrets-'));
    const empty = await createEmptyPostgresDatabase();
    dropDb = empty?.drop ?? null;
    server = await spawnServer({
      DATA_DIR: dir,
      MAIL_OUTBOX: join(dir, 'outbox.jsonl'),
      LOG_LEVEL: 'trace',
      ...(empty ? { DATABASE_URL: empty.url } : {}),
    });
  }, 90_000);
  afterAll(async () => {
    server?.kill();
    await dropDb?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('goes through register, login, OTP verification, password reset and cookie use', async () => {
    const url = server.url;
    const record = async (result: Awaited<ReturnType<typeof call>>) => {
      responses.push(JSON.stringify(result.data ?? result.message));
      return result;
    };
    const password = 'Very-Secret-Passphrase-4711';
    secrets.push({ what: 'password', value: password });
    const registered = await record(
      await call(url, 'auth.register', 'mutation', {
        email: 'secret@example.com',
        username: 'secretive',
        password,
      }),
    );
    expect(registered.status).toBe(200);
    const token = String(field(registered.data, 'token'));
    secrets.push({ what: 'register token', value: token });

    const wrong = 'Wrong-Guess-Passphrase-0815';
    secrets.push({ what: 'wrong password', value: wrong });
    expect(
      (await record(await call(url, 'auth.login', 'mutation', { login: 'secretive', password: wrong }))).code,
    ).toBe('UNAUTHORIZED');
    const login = await record(
      await call(url, 'auth.login', 'mutation', { login: 'secret@example.com', password }),
    );
    const loginToken = String(field(login.data, 'token'));
    secrets.push({ what: 'login token', value: loginToken });

    // The same token as a cookie, as the browser sends it, and in a query string a careless client might use.
    const viaCookie = await fetch(`${url}/trpc/auth.me`, {
      headers: { cookie: `devflow_session=${loginToken}` },
    });
    responses.push(await viaCookie.text());
    expect(viaCookie.status).toBe(200);
    await fetch(`${url}/trpc/auth.me?token=${loginToken}&input=${encodeURIComponent('{}')}`);

    const mailsBefore = outbox().length;
    expect(
      (await record(await call(url, 'auth.requestEmailVerification', 'mutation', undefined, token))).status,
    ).toBe(200);
    const otp = await nextCode(mailsBefore);
    expect(otp).toMatch(/^\d{6}$/);
    secrets.push({ what: 'email OTP', value: otp });
    const wrongOtp = otp === '999999' ? '000000' : '999999';
    await record(await call(url, 'auth.verifyEmail', 'mutation', { code: wrongOtp }, token));
    const verified = await record(await call(url, 'auth.verifyEmail', 'mutation', { code: otp }, token));
    expect(field(verified.data, 'emailVerified')).toBe(true);

    const mailsBeforeReset = outbox().length;
    expect(
      (
        await record(
          await call(url, 'auth.requestPasswordReset', 'mutation', { email: 'secret@example.com' }),
        )
      ).status,
    ).toBe(200);
    const resetCode = await nextCode(mailsBeforeReset);
    expect(resetCode).toMatch(/^\d{6}$/);
    secrets.push({ what: 'reset OTP', value: resetCode });
    const newPassword = 'Brand-New-Passphrase-1337';
    secrets.push({ what: 'new password', value: newPassword });
    const reset = await record(
      await call(url, 'auth.resetPassword', 'mutation', {
        email: 'secret@example.com',
        code: resetCode,
        newPassword,
      }),
    );
    expect(reset.status, reset.message ?? '').toBe(200);
    const again = await record(
      await call(url, 'auth.login', 'mutation', { login: 'secretive', password: newPassword }),
    );
    expect(again.status).toBe(200);
    secrets.push({ what: 'third token', value: String(field(again.data, 'token')) });
    expect((await record(await call(url, 'auth.me', 'query', undefined, token))).data).toBeNull();
  });

  it('logged requests, but none of the passwords, tokens or codes', async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    const logs = server.output();
    expect(logs).toContain('"msg":"request"');
    for (const { what, value } of secrets) {
      expect(value.length, what).toBeGreaterThan(0);
      expect(containsToken(logs, value), `${what} appears in the logs`).toBe(false);
    }
    expect(logs).not.toMatch(/\$argon2id\$/);
    expect(logs).not.toMatch(/passwordHash|password_hash/);
  });

  it('answered without any password hash or stored secret', () => {
    const all = responses.join('\n');
    expect(all).not.toMatch(/\$argon2/);
    expect(all).not.toMatch(/passwordHash|password_hash/);
    for (const { what, value } of secrets.filter((s) => /password|OTP/.test(s.what))) {
      expect(containsToken(all, value), `${what} echoed by the API`).toBe(false);
    }
  });
});
