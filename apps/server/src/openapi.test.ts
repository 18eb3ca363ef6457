import type { AppRouter } from '@devflow/api';
import { createTestAnswer, createTestQuestion, createTestUser } from '@devflow/api/testing';
import { compileErrors, validate } from '@readme/openapi-parser';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_SCRIPT_PATH, SERVER_VERSION } from './openapi';
import { startTestServer, type TestServer } from './testing/server';

type OpenApiDoc = {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, { description?: string; summary?: string; security?: unknown[] }>>;
  components: {
    securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }>;
  };
};

describe('REST mirror, OpenAPI document and API reference', () => {
  let server: TestServer;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as OpenApiDoc;
  });
  afterAll(() => server.stop());

  it('serves an OpenAPI 3 document that a validator accepts', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('names the API, its version and the public URL of the REST mirror', () => {
    expect(doc.info).toMatchObject({ title: 'DevFlow', version: SERVER_VERSION });
    expect(doc.servers).toEqual([{ url: `${server.url}/api` }]);
  });

  it('offers a Bearer token and the session cookie as security schemes', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.cookieAuth).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'devflow_session',
    });
  });

  it('describes every operation with the JSDoc of its procedure', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations.length).toBeGreaterThan(0);
    for (const { path, method, operation } of operations) {
      expect(operation.description, `${method.toUpperCase()} ${path} has no description`).toBeTruthy();
    }
    expect(doc.paths['/health']?.get?.description).toBe(
      'Reports whether the database and the cache answer, and which ones this server runs on.',
    );
  });

  it('answers GET /api/health with the same data as the tRPC call', async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    const viaTrpc = await client.health.check.query();
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(await response.json()).toEqual(viaTrpc);
  });

  it('answers GET /api/question/byId and /api/question/list with the same data as tRPC', async () => {
    const author = await createTestUser(server.deps);
    const question = await createTestQuestion(server.deps, author, { title: 'REST mirror of a question' });
    await createTestAnswer(server.deps, author, question);
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    const id = String(question.id);

    const [viaTrpc, restResponse] = await Promise.all([
      client.question.byId.query({ id }),
      fetch(`${server.url}/api/question/byId?id=${id}`),
    ]);
    expect(restResponse.status).toBe(200);
    const viaRest = (await restResponse.json()) as typeof viaTrpc;
    // The view counter may move between the two reads; everything else is identical.
    expect({ ...viaRest, viewCount: 0 }).toEqual({ ...viaTrpc, viewCount: 0 });
    expect(viaRest.answers).toHaveLength(1);

    const list = await fetch(`${server.url}/api/question/list?sort=newest&limit=5`);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual(await client.question.list.query({ sort: 'newest', limit: 5 }));
  });

  it('answers REST errors with the tRPC code and HTTP status', async () => {
    const missing = await fetch(`${server.url}/api/question/byId?id=999999999`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' });

    const invalid = await fetch(`${server.url}/api/question/list?limit=1000`);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 'BAD_REQUEST' });

    const anonymousWrite = await fetch(`${server.url}/api/question/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Anonymous question title',
        body: 'A body that is long enough.',
        tags: ['rest'],
      }),
    });
    expect(anonymousWrite.status).toBe(401);
    expect(await anonymousWrite.json()).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('answers an unknown REST path with a JSON 404', async () => {
    const response = await fetch(`${server.url}/api/no/such/thing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves /docs as an HTML page whose scripts all come from this server', async () => {
    const response = await fetch(`${server.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('/openapi.json');
    const sources = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((match) => match[1]);
    expect(sources).toEqual([DOCS_SCRIPT_PATH]);
    expect(html).not.toMatch(/https?:\/\/(cdn|fonts)\./);
    const script = await fetch(`${server.url}${DOCS_SCRIPT_PATH}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });
});
