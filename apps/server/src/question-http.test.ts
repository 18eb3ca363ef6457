import type { AppRouter } from '@devflow/api';
import { callerFor, createTestUser } from '@devflow/api/testing';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/server';

describe('questions over HTTP', () => {
  let server: TestServer;
  let questionId = '';

  beforeAll(async () => {
    server = await startTestServer();
    const author = await createTestUser(server.deps);
    const q = await callerFor(server.deps, author).question.create({
      title: 'Reading questions through the HTTP API',
      body: 'A body with <script>alert(1)</script> and **markdown** over HTTP.',
      tags: ['http', 'trpc'],
    });
    questionId = q.id;
    await callerFor(server.deps, await createTestUser(server.deps)).answer.create({
      questionId,
      body: 'An answer that arrives over the wire too.',
    });
  });
  afterAll(() => server.stop());

  const client = () => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });

  it('serves byId, list and search in one batch to an anonymous reader', async () => {
    const api = client();
    const [detail, page, found] = await Promise.all([
      api.question.byId.query({ id: questionId }),
      api.question.list.query({ sort: 'newest', tag: 'http' }),
      api.question.search.query({ q: 'markdown over HTTP' }),
    ]);
    expect(detail.bodyHtml).toContain('<strong>markdown</strong>');
    expect(detail.bodyHtml).not.toContain('<script');
    expect(detail.answers).toHaveLength(1);
    expect(detail.tags).toEqual(['http', 'trpc']);
    expect(page.items.map((item) => item.id)).toEqual([questionId]);
    expect(page.items[0]?.answerCount).toBe(1);
    expect(found.items.map((item) => item.id)).toEqual([questionId]);
  });

  it('refuses anonymous writes with UNAUTHORIZED and unknown ids with NOT_FOUND', async () => {
    const api = client();
    const write = api.question.create.mutate({
      title: 'Anonymous should not post this',
      body: 'Nobody signed in, so this must be refused.',
      tags: ['http'],
    });
    await expect(write).rejects.toBeInstanceOf(TRPCClientError);
    await expect(write).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    await expect(api.question.byId.query({ id: '987654321' })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND', httpStatus: 404 },
    });
    await expect(api.question.search.query({ q: '   ' })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST', httpStatus: 400 },
    });
  });
});
