import type { AppRouter } from '@devflow/api';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/server';

const PASSWORD = 'rest mirror password 1';

describe('REST mirror: the same sessions and CSRF rules as tRPC', () => {
  let server: TestServer;
  let token: string;
  let cookie: string;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const question = {
    title: 'Does REST obey CSRF rules?',
    body: 'Cookie-authenticated writes need our Origin.',
    tags: ['rest'],
  };

  beforeAll(async () => {
    server = await startTestServer();
    const registered = await post('/auth/register', {
      email: 'rest@devflow.dev',
      username: 'rester',
      password: PASSWORD,
    });
    expect(registered.status).toBe(200);
    const login = await post('/auth/login', { login: 'rester', password: PASSWORD });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { token: string }).token;
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toContain('devflow_session=');
    expect(setCookie.toLowerCase()).toContain('httponly');
    cookie = setCookie.split(';')[0] ?? '';
  });
  afterAll(() => server.stop());

  it('signs in over REST and answers auth.me like tRPC for the same Bearer token', async () => {
    const rest = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(rest.status).toBe(200);
    const trpc = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${server.url}/trpc`, headers: { authorization: `Bearer ${token}` } })],
    });
    const me = await trpc.auth.me.query();
    expect(me?.username).toBe('rester');
    expect(await rest.json()).toEqual(me);
  });

  it('creates with a Bearer token whatever the Origin', async () => {
    const created = await post('/question/create', question, {
      authorization: `Bearer ${token}`,
      origin: 'https://evil.example',
    });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    const read = await fetch(`${server.url}/api/question/byId?id=${id}`);
    expect(await read.json()).toMatchObject({ id, title: question.title, author: { username: 'rester' } });
  });

  it('refuses a cookie-authenticated write from another origin or without one, and writes nothing', async () => {
    const before = (
      (await (await fetch(`${server.url}/api/question/list?limit=100`)).json()) as { items: unknown[] }
    ).items.length;
    const attempts: Record<string, string>[] = [{ cookie, origin: 'https://evil.example' }, { cookie }];
    for (const headers of attempts) {
      const refused = await post('/question/create', question, headers);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
    const after = (
      (await (await fetch(`${server.url}/api/question/list?limit=100`)).json()) as { items: unknown[] }
    ).items.length;
    expect(after).toBe(before);

    const sameSite = await post('/question/create', question, { cookie, origin: server.url });
    expect(sameSite.status).toBe(200);
  });
});
