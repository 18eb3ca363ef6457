import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRouter } from '@devflow/api';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_SIZE } from './app';
import { startTestServer, type TestServer } from './testing/server';

const expectedDb = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const expectedCache = process.env.REDIS_URL ? 'redis' : 'memory';

describe('HTTP surface', () => {
  let server: TestServer;
  let webDir: string;
  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'devflow-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>DevFlow</title><div id="root"></div>');
    server = await startTestServer({}, webDir);
  });
  afterAll(() => server.stop());

  it('reports health at /healthz with the engines in use', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, db: expectedDb, cache: expectedCache });
  });

  it('answers health.check through a real tRPC client, typed by AppRouter', async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    const [a, b] = await Promise.all([client.health.check.query(), client.health.check.query()]);
    expect(a).toEqual({ ok: true, db: expectedDb, cache: expectedCache });
    expect(b).toEqual(a);
  });

  it(`refuses a batch of more than ${MAX_BATCH_SIZE} calls`, async () => {
    const paths = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => 'health.check').join(',');
    const response = await fetch(`${server.url}/trpc/${paths}?batch=1&input={}`);
    expect(response.status).toBe(400);
  });

  it('answers an unknown procedure with NOT_FOUND, not a crash', async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    const call = (client as unknown as { nope: { query: () => Promise<unknown> } }).nope.query();
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
  });

  it('refuses a body over 1 MiB with 413 before parsing it', async () => {
    const response = await fetch(`${server.url}/trpc/health.check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('tags every response with a request id and safe headers', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves the web app at / and for client-side routes, but not for API paths', async () => {
    const home = await fetch(`${server.url}/`);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    expect(await home.text()).toContain('<div id="root">');
    const deep = await fetch(`${server.url}/questions/42`);
    expect(await deep.text()).toContain('<div id="root">');
    const api = await fetch(`${server.url}/api/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/application\/json/);
  });
});
