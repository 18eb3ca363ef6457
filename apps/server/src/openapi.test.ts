import { type AppRouter, appRouter } from '@devflow/api';
import {
  createTestAnswer,
  createTestQuestion,
  createTestSession,
  createTestUser,
} from '@devflow/api/testing';
import { compileErrors, validate } from '@readme/openapi-parser';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_SCRIPT_PATH, SERVER_VERSION } from './openapi';
import { startTestServer, type TestServer } from './testing/server';

type SchemaObject = Record<string, unknown>;
type OpenApiOperation = {
  description?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; schema: SchemaObject }[];
  requestBody?: { content: Record<string, { schema: { properties: Record<string, SchemaObject> } }> };
  responses: Record<string, { description: string; content?: unknown }>;
};
type OpenApiDoc = {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, SchemaObject>;
    securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }>;
  };
};

/** Every `anyOf` anywhere under `node` (JSON Schema combinators the reference page trips on). */
function anyOfsIn(node: unknown): unknown[] {
  if (Array.isArray(node)) return node.flatMap(anyOfsIn);
  if (typeof node !== 'object' || node === null) return [];
  const own = 'anyOf' in node ? [Reflect.get(node, 'anyOf')] : [];
  return [...own, ...Object.values(node).flatMap(anyOfsIn)];
}

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

  it('reads query-string booleans as written: true/false or 1/0, anything else is BAD_REQUEST', async () => {
    const author = await createTestUser(server.deps);
    await createTestQuestion(server.deps, author, {
      title: 'A deleted question for the boolean test',
      deletedAt: new Date(),
    });
    const list = (query: string, token?: string) =>
      fetch(
        `${server.url}/api/question/list?${query}`,
        token ? { headers: { authorization: `Bearer ${token}` } } : {},
      );
    // `deleted=false` is the default listing, open to everyone; `true` needs a moderator.
    for (const query of ['deleted=false', 'deleted=0', ''])
      expect((await list(query)).status, query).toBe(200);
    for (const query of ['deleted=true', 'deleted=1']) expect((await list(query)).status, query).toBe(403);
    const moderatorToken = await createTestSession(
      server.deps,
      await createTestUser(server.deps, { role: 'moderator' }),
    );
    const deleted = (await (await list('deleted=true', moderatorToken)).json()) as {
      items: { title: string }[];
    };
    expect(deleted.items.map((item) => item.title)).toContain('A deleted question for the boolean test');
    const live = (await (await list('deleted=false', moderatorToken)).json()) as {
      items: { title: string }[];
    };
    expect(live.items.map((item) => item.title)).not.toContain('A deleted question for the boolean test');
    for (const query of ['deleted=yes', 'deleted=False', 'deleted=', 'deleted=2']) {
      const refused = await list(query);
      expect(refused.status, query).toBe(400);
      expect(await refused.json()).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'Invalid input: deleted: must be true or false (or 1 or 0)',
      });
    }
    // The same schema behind tRPC still takes JSON booleans, and the document still says boolean.
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    await expect(client.question.list.query({ deleted: false })).resolves.toMatchObject({
      items: expect.any(Array),
    });
    const parameter = doc.paths['/question/list']?.get?.parameters?.find((p) => p.name === 'deleted');
    expect(parameter?.schema).toEqual({ type: 'boolean', default: false });
  });

  it('lets anonymous callers use the public operations and asks a token only for the others', () => {
    const anonymous = {};
    const signedIn = [{ bearerAuth: [] }, { cookieAuth: [] }];
    expect(doc.paths['/question/list']?.get?.security).toEqual([...signedIn, anonymous]);
    expect(doc.paths['/health']?.get?.security).toEqual([...signedIn, anonymous]);
    expect(doc.paths['/question/create']?.post?.security).toEqual(signedIn);
    // Every operation, from who the procedure is built for.
    for (const [path, procedure] of Object.entries(appRouter._def.procedures)) {
      const meta: unknown = Reflect.get(Reflect.get(procedure, '_def'), 'meta');
      const openapi: unknown = Reflect.get(Object(meta), 'openapi');
      if (typeof openapi !== 'object' || openapi === null) continue;
      const operation =
        doc.paths[String(Reflect.get(openapi, 'path'))]?.[
          String(Reflect.get(openapi, 'method')).toLowerCase()
        ];
      const access = Reflect.get(Object(meta), 'access');
      expect(operation?.security, path).toEqual(access === 'public' ? [...signedIn, anonymous] : signedIn);
      expect(Object.keys(operation?.responses ?? {}).includes('401'), `${path} documents 401`).toBe(
        access !== 'public' || path === 'auth.login',
      );
    }
  });

  it('documents the tags rule a client must follow (1..5 distinct) and the server keeps it', async () => {
    const tags =
      doc.paths['/question/create']?.post?.requestBody?.content['application/json']?.schema.properties.tags;
    expect(tags).toMatchObject({ type: 'array', minItems: 1, maxItems: 5, uniqueItems: true });
    const email =
      doc.paths['/auth/register']?.post?.requestBody?.content['application/json']?.schema.properties.email;
    expect(email).toMatchObject({ type: 'string', format: 'email', maxLength: 254 });

    const token = await createTestSession(server.deps, await createTestUser(server.deps));
    const create = (questionTags: string[]) =>
      fetch(`${server.url}/api/question/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          title: 'Which tags does the server take?',
          body: 'As many as the document says, no more.',
          tags: questionTags,
        }),
      });
    const six = await create(['a1', 'a2', 'a3', 'a4', 'a1', 'a5']);
    expect(six.status).toBe(400);
    expect(await six.json()).toMatchObject({ message: 'Invalid input: tags: at most 5 tags' });
    expect((await create([])).status).toBe(400);
    const merged = await create(['React', 'react ']);
    expect(merged.status).toBe(200);
    expect(await merged.json()).toMatchObject({ tags: ['react'] });
  });

  it('answers REST errors with the documented body: the code on top and a human message', async () => {
    const invalid = await fetch(`${server.url}/api/question/list?limit=1000`);
    expect(await invalid.json()).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Invalid input: limit: Too big: expected number to be <=100',
      data: { code: 'BAD_REQUEST', httpStatus: 400, issues: [{ path: 'limit' }] },
    });
    const malformed = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"login": ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'BAD_REQUEST', data: { code: 'BAD_REQUEST' } });
    const tooLarge = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'x'.repeat(1024 * 1024 + 1) }),
    });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', data: { httpStatus: 413 } });
    // One error schema, used by every documented error; 409, 429 and 503 are documented where they occur.
    expect(Object.keys(doc.components.schemas).filter((name) => name.startsWith('error.'))).toEqual([]);
    expect(doc.paths['/auth/register']?.post?.responses).toHaveProperty('409');
    expect(doc.paths['/question/create']?.post?.responses).toHaveProperty('429');
    expect(doc.paths['/question/list']?.get?.responses).toHaveProperty('503');
  });

  it('writes the recursive ReplyNode schema without anyOf (the reference page rejects it there)', () => {
    const node = doc.components.schemas.ReplyNode;
    expect(node).toBeDefined();
    expect(anyOfsIn(node)).toEqual([]);
    expect(Reflect.get(Object(node?.properties), 'myReaction')).toEqual({
      type: ['string', 'null'],
      enum: ['like', 'dislike', null],
    });
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
    // No proxy, telemetry, agent, toolbar or request client: nothing that calls Scalar's services.
    for (const setting of [
      '"proxyUrl": ""',
      '"telemetry": false',
      '"showDeveloperTools": "never"',
      '"hideClientButton": true',
      '"hideTestRequestButton": true',
    ]) {
      expect(html.replace(/\s+/g, ' ')).toContain(setting);
    }
    const script = await fetch(`${server.url}${DOCS_SCRIPT_PATH}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });
});
