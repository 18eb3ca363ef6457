import { createServer } from 'node:net';
import { createDb, type DbHandle } from '@devflow/db';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDeps, type TestDeps } from '../testing';
import { createContextInner } from './context';
import {
  INTERNAL_ERROR_MESSAGE,
  publicProcedure,
  router,
  UNAVAILABLE_MESSAGE,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from './procedures';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 1;
      server.close(() => resolve(port));
    });
  });
}

describe('errors clients can act on: outages are 503 and retryable, bugs are 500 and opaque', () => {
  let deps: TestDeps;
  let down: DbHandle;

  beforeAll(async () => {
    deps = await createTestDeps();
    down = await createDb({
      databaseUrl: `postgres://postgres@127.0.0.1:${await closedPort()}/x`,
      poolSize: 1,
    });
  });
  afterAll(async () => {
    await Promise.all([deps.close(), down.close()]);
  });

  /** Procedures that fail the ways a real request can, on a real (unreachable or present) database. */
  const probe = () =>
    router({
      readWhileDown: publicProcedure.query(() => down.db.execute(sql`select 1`)),
      brokenQuery: publicProcedure.query(() => deps.db.execute(sql`select * from no_such_table`)),
      echo: publicProcedure.input(z.object({ a: z.number() })).mutation(({ input }) => input),
    });

  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetchRequestHandler({
      endpoint: '/trpc',
      router: probe(),
      req: new Request(`http://localhost/trpc/${path}`, init),
      createContext: () => createContextInner({ deps, user: null }),
    });
    const body = (await response.json()) as { error: { message: string; data: Record<string, unknown> } };
    return { status: response.status, error: body.error };
  };

  it('answers a refused database connection with 503 SERVICE_UNAVAILABLE, a retry hint and no internals', async () => {
    const { status, error } = await call('readWhileDown');
    expect(status).toBe(503);
    expect(error.data.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.data.retryAfter).toBe(UNAVAILABLE_RETRY_AFTER_SECONDS);
    expect(error.message).toBe(UNAVAILABLE_MESSAGE);
    expect(JSON.stringify(error)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
  });

  it('keeps a broken query a 500 with the generic message (no SQL or table names leak)', async () => {
    const { status, error } = await call('brokenQuery');
    expect(status).toBe(500);
    expect(error.data.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(JSON.stringify(error)).not.toMatch(/no_such_table|select/i);
  });

  it('answers malformed JSON with BAD_REQUEST and a sentence, not a parser message', async () => {
    const { status, error } = await call('echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(status).toBe(400);
    expect(error.data.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/not valid JSON/);
  });
});
