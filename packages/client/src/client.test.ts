import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestQuestion, createTestSession, createTestUser } from '@devflow/api/testing';
import { startTestServer, type TestServer } from '@devflow/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevflowClient } from './client';
import { DevflowError, isDevflowError, toDevflowError } from './errors';
import { createFileTokenStore, createMemoryTokenStore, defaultCredentialsPath } from './token-store';

/** Wraps the real fetch to record what the client sends (the requests still reach the server). */
function recordingFetch() {
  const requests: { url: string; authorization: string | null }[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    requests.push({ url: request.url, authorization: request.headers.get('authorization') });
    return fetch(request);
  };
  return { requests, fetch: wrapped };
}

describe('createDevflowClient against a running server', () => {
  let server: TestServer;
  let questionId: string;
  beforeAll(async () => {
    server = await startTestServer();
    const author = await createTestUser(server.deps);
    questionId = String((await createTestQuestion(server.deps, author)).id);
  });
  afterAll(() => server.stop());

  it('batches calls made in the same tick into one request, at most maxItems per request', async () => {
    const recorder = recordingFetch();
    const client = createDevflowClient({ url: `${server.url}/`, fetch: recorder.fetch, maxItems: 2 });
    const [health, question, list] = await Promise.all([
      client.health.check.query(),
      client.question.byId.query({ id: questionId }),
      client.question.list.query({ limit: 1 }),
    ]);
    expect(health.ok).toBe(true);
    expect(question.id).toBe(questionId);
    expect(list.items).toHaveLength(1);
    expect(recorder.requests).toHaveLength(2);
    expect(recorder.requests[0]?.url).toContain('/trpc/health.check,question.byId?batch=1');
  });

  it('sends the token as a Bearer header, asking a token function before every request', async () => {
    const recorder = recordingFetch();
    let token: string | null = null;
    const client = createDevflowClient({ url: server.url, fetch: recorder.fetch, token: () => token });
    await client.health.check.query();
    token = 'abc123';
    await client.health.check.query();
    expect(recorder.requests.map((request) => request.authorization)).toEqual([null, 'Bearer abc123']);
  });

  it('turns a tRPC error into a DevflowError with code, status and invalid fields', async () => {
    const client = createDevflowClient({ url: server.url });
    const missing = toDevflowError(
      await client.question.byId.query({ id: '999999999' }).catch((e: unknown) => e),
    );
    expect(missing).toBeInstanceOf(DevflowError);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404, issues: [], retryAfter: null });
    expect(missing.message).not.toBe('');
    expect(missing.requestId).toEqual(expect.any(String));

    const invalid = toDevflowError(
      await client.question.list.query({ limit: 1000 }).catch((e: unknown) => e),
    );
    expect(invalid).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(invalid.issues.map((issue) => issue.path)).toContain('limit');

    const anonymous = toDevflowError(
      await client.question.create
        .mutate({ title: 'A title long enough', body: 'A body that is long enough to pass.', tags: ['x'] })
        .catch((e: unknown) => e),
    );
    expect(anonymous).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
  });

  it('subscribes to live updates, typed, with the Bearer token: notifications of the signed-in user', async () => {
    const asker = await createTestUser(server.deps);
    const answerer = await createTestUser(server.deps);
    const question = await createTestQuestion(server.deps, asker);
    const client = createDevflowClient({
      url: server.url,
      token: await createTestSession(server.deps, asker),
    });
    const writer = createDevflowClient({
      url: server.url,
      token: await createTestSession(server.deps, answerer),
    });
    const received: string[] = [];
    let started: () => void = () => {};
    const open = new Promise<void>((resolve) => {
      started = resolve;
    });
    const subscription = client.live.notifications.subscribe(
      {},
      {
        onStarted: () => started(),
        onData: ({ data }) => {
          if (data.type === 'notification.created') received.push(`${data.notification.type}:${data.unread}`);
        },
      },
    );
    await open;
    await writer.answer.create.mutate({
      questionId: String(question.id),
      body: 'An answer the asker hears of live.',
    });
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    subscription.unsubscribe();
    expect(received).toEqual(['answer:1']);
  });

  it('reports an unreachable server as NETWORK_ERROR', async () => {
    const client = createDevflowClient({ url: 'http://127.0.0.1:9' });
    const failure = toDevflowError(await client.health.check.query().catch((e: unknown) => e));
    expect(failure.code).toBe('NETWORK_ERROR');
    expect(failure.message).toMatch(/^Could not reach the DevFlow server: /);
    expect(isDevflowError(failure)).toBe(true);
    expect(toDevflowError(failure)).toBe(failure);
    expect(isDevflowError(new Error('plain'))).toBe(false);
  });
});

describe('token stores', () => {
  it('keeps credentials in a file only its owner can read, and forgets them on clear', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'devflow-store-')), 'nested', 'devflow');
    const store = createFileTokenStore(join(dir, 'credentials.json'));
    expect(await store.load()).toBeNull();
    const credentials = {
      url: 'http://127.0.0.1:3000',
      token: 'tok',
      username: 'ada',
      savedAt: new Date().toISOString(),
    };
    await store.save(credentials);
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(await store.load()).toEqual(credentials);
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual(credentials);
    await store.clear();
    await store.clear();
    expect(await store.load()).toBeNull();
  });

  it('reads a corrupt or foreign credentials file as signed out', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'devflow-store-')), 'credentials.json');
    writeFileSync(path, '{not json');
    expect(await createFileTokenStore(path).load()).toBeNull();
    writeFileSync(path, JSON.stringify({ url: 'x' }));
    expect(await createFileTokenStore(path).load()).toBeNull();
  });

  it('finds the credentials file in DEVFLOW_CONFIG_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(defaultCredentialsPath({ DEVFLOW_CONFIG_DIR: '/tmp/d', XDG_CONFIG_HOME: '/x' })).toBe(
      '/tmp/d/credentials.json',
    );
    expect(defaultCredentialsPath({ XDG_CONFIG_HOME: '/x' })).toBe('/x/devflow/credentials.json');
    expect(defaultCredentialsPath({})).toMatch(/\.config\/devflow\/credentials\.json$/);
  });

  it('keeps credentials in memory for scripts and tests', async () => {
    const store = createMemoryTokenStore();
    await store.save({ url: 'u', token: 't', savedAt: 'now' });
    expect(await store.load()).toMatchObject({ token: 't' });
    await store.clear();
    expect(await store.load()).toBeNull();
  });
});
