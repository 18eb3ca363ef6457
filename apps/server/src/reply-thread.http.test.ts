import type { AppRouter } from '@devflow/api';
import { callerFor, createTestQuestion, createTestUser } from '@devflow/api/testing';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.stop();
});

describe('reply threads over HTTP', () => {
  it('serves a thread, flat and parents first, to an anonymous tRPC client and NOT_FOUND for a missing post', async () => {
    const { deps } = server;
    const asker = await createTestUser(deps);
    const replier = await createTestUser(deps);
    const question = await createTestQuestion(deps, asker);
    const target = { targetType: 'question' as const, targetId: String(question.id) };
    const top = await callerFor(deps, replier).reply.create({ ...target, body: 'top' });
    const child = await callerFor(deps, asker).reply.create({ ...target, parentId: top.id, body: 'child' });

    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    const thread = await client.reply.thread.query({ ...target, maxDepth: 5 });
    expect(thread.total).toBe(2);
    // Flat, parents first: each reply names its returned children by id.
    expect(thread.items).toHaveLength(2);
    expect(thread.items[0]).toMatchObject({ id: top.id, body: 'top', myReaction: null, deleted: false });
    expect(thread.items[0]?.children).toEqual([child.id]);
    expect(thread.items.map((c) => [c.id, c.parentId, c.depth])).toEqual([
      [top.id, null, 0],
      [child.id, top.id, 1],
    ]);

    const missing: unknown = await client.reply.thread
      .query({ targetType: 'question', targetId: '999999999' })
      .catch((error: unknown) => error);
    if (!(missing instanceof TRPCClientError)) throw new Error('expected a tRPC error');
    expect(missing.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
  });
});
