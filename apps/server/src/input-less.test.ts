import type { AppRouter } from '@devflow/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from './testing/flows';
import { listProcedures } from './testing/procedures';
import { startTestServer, type TestServer } from './testing/server';

/**
 * Procedures that take no input, called the ways clients really call them: `@trpc/client`'s unbatched
 * `httpLink` (a bodiless POST), curl and generated REST clients (no body, no content type, `{}` or
 * `null`). The tRPC fast path and batches are compared with the stock adapter in
 * `trpc-fast-path.test.ts`; this file covers the vendor link and the REST mirror.
 */
describe('procedures without input', () => {
  let server: TestServer;
  let password = '';
  let username = '';

  beforeAll(async () => {
    server = await startTestServer();
    const user = await register(server.url, 'inputless');
    ({ password, username } = user);
  });
  afterAll(() => server.stop());

  const signIn = async () => {
    const response = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: username, password }),
    });
    const body = (await response.json()) as { token: string };
    return body.token;
  };
  const unbatched = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${server.url}/trpc`,
          headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        }),
      ],
    });
  /** Who the token signs in as over REST, or null when it no longer does. */
  const whoIs = async (token: string) => {
    const response = await fetch(`${server.url}/api/auth/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { username: string } | null;
    return body?.username ?? null;
  };

  it("ends the session with auth.logout through the vendor client's httpLink", async () => {
    const token = await signIn();
    const client = unbatched(token);
    expect(await client.auth.me.query()).toMatchObject({ username });
    expect(await client.auth.logout.mutate()).toEqual({ ok: true });
    expect(await whoIs(token)).toBeNull();
    expect(await client.auth.me.query()).toBeNull();
  });

  it('ends every session with auth.logoutAll and mails a code with requestEmailVerification (httpLink)', async () => {
    const [first, second] = [await signIn(), await signIn()];
    expect(await unbatched(first).auth.requestEmailVerification.mutate()).toEqual({ ok: true });
    expect(await unbatched(first).notification.unreadCount.query()).toEqual({ count: 0 });
    expect(await unbatched().health.check.query()).toMatchObject({ ok: true });
    expect(await unbatched(first).auth.logoutAll.mutate()).toEqual({ ok: true });
    expect([await whoIs(first), await whoIs(second)]).toEqual([null, null]);
  });

  it('signs out over REST with no body, no content type, an empty JSON body, {} or null', async () => {
    const variants: [Record<string, string>, string | undefined][] = [
      [{}, undefined],
      [{ 'content-type': 'application/json' }, undefined],
      [{ 'content-type': 'application/json' }, ''],
      [{ 'content-type': 'application/json' }, '{}'],
      [{ 'content-type': 'application/json' }, 'null'],
    ];
    for (const [headers, body] of variants) {
      const token = await signIn();
      const response = await fetch(`${server.url}/api/auth/logout`, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${token}` },
        body,
      });
      expect({ headers, body, status: response.status, answer: await response.json() }).toEqual({
        headers,
        body,
        status: 200,
        answer: { ok: true },
      });
      expect({ headers, body, signedInAs: await whoIs(token) }).toEqual({ headers, body, signedInAs: null });
    }
  });

  it('answers input-less REST GETs, and refuses a body or query they do not take', async () => {
    const token = await signIn();
    expect(await whoIs(token)).toBe(username);
    const health = await fetch(`${server.url}/api/health`);
    expect([health.status, await health.json()]).toEqual([200, expect.objectContaining({ ok: true })]);

    const extra = await fetch(`${server.url}/api/health?verbose=true`);
    expect(extra.status).toBe(400);
    expect(await extra.text()).toContain('verbose');
    const bodyWithField = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ everywhere: true }),
    });
    expect(bodyWithField.status).toBe(400);
    expect(await whoIs(token)).toBe(username);
    // A declared content type other than JSON is still refused, body or not.
    const text = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
    });
    expect(text.status).toBe(415);
  });

  it('documents every operation that can be called without input with no required body or parameter', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    type Operation = {
      operationId: string;
      parameters?: { required?: boolean; name: string }[];
      requestBody?: { required?: boolean };
    };
    const operations = new Map<string, Operation>();
    for (const methods of Object.values(document.paths)) {
      for (const operation of Object.values(methods)) operations.set(operation.operationId, operation);
    }
    const inputless: string[] = [];
    for (const { path, input } of listProcedures()) {
      if (!input || ![undefined, null, {}].every((value) => input.safeParse(value).success)) continue;
      inputless.push(path);
      const operation = operations.get(path.replace(/\./g, '-'));
      if (!operation) continue;
      expect({ path, bodyRequired: operation.requestBody?.required ?? false }).toEqual({
        path,
        bodyRequired: false,
      });
      const required = (operation.parameters ?? []).filter((p) => p.required).map((p) => p.name);
      expect({ path, required }).toEqual({ path, required: [] });
    }
    expect(inputless).toEqual(
      expect.arrayContaining(['auth.logout', 'auth.logoutAll', 'auth.me', 'health.check']),
    );
  });
});
