import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRouter } from '@devflow/api';
import { MAX_THREAD_NODES } from '@devflow/contract/limits';
import { createDb, queryRows } from '@devflow/db';
import { seed } from '@devflow/db/seed';
import { createEmptyPostgresDatabase } from '@devflow/db/testing';
import { createTRPCClient, httpBatchStreamLink } from '@trpc/client';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, spawnServer } from './testing/child-server';

/**
 * `reply.thread` at its documented limits — the seed's 1,000-deep chain, `maxDepth` 1,000 (the default),
 * one page of `limit` 10,000 — on a real server process started with `node --stack-size=400`, well under half of V8's default stack.
 * Validating, building and serializing a thread must not take stack in proportion to its depth: a nested
 * tree overflowed zod's output parse (a 500 on some calls and not others) and, at this stack size,
 * `JSON.stringify` itself.
 */

/** Less than half of Node's default (984 KB on 64-bit): the margin the thread must keep. */
const STACK_KB = 400;
const CALLS = 100;

type Thread = { items: { id: string; parentId: string | null; depth: number; children: string[] }[] };

let server: ChildServer;
let dataDir: string;
let dropDb: (() => Promise<void>) | null = null;
let questionId = '';
let chain: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'devflow-stack-'));
  const empty = await createEmptyPostgresDatabase();
  dropDb = empty?.drop ?? null;
  // The seed writes the chain as `pnpm seed` does; the server process then owns the database.
  const handle = await createDb(empty ? { databaseUrl: empty.url, poolSize: 2 } : { dataDir });
  try {
    await handle.migrate();
    await seed(handle.db, { size: 'small', passwordHash: 'not-a-real-hash' });
    const rows = await queryRows<{ id: number | string; target_id: number | string }>(
      handle.db,
      sql`with recursive up (id, parent_id, target_id) as (
            select id, parent_id, target_id from replies where depth = 999 and target_type = 'question'
            union all
            select r.id, r.parent_id, r.target_id from replies r join up on r.id = up.parent_id
          )
          select id, target_id from up order by id`,
    );
    chain = rows.map((row) => String(row.id));
    questionId = String(rows[0]?.target_id ?? '');
  } finally {
    await handle.close();
  }
  server = await spawnServer(
    {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...(empty ? { DATABASE_URL: empty.url } : {}),
    },
    { nodeArgs: [`--stack-size=${STACK_KB}`] },
  );
});

afterAll(async () => {
  server?.kill();
  await server?.exited;
  await dropDb?.();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/**
 * The ids of the thread from the chain's first reply down, each step's parent and depth checked (the
 * seeded question also has a few small trees).
 */
function walkChain(thread: Thread): string[] {
  const byId = new Map(thread.items.map((node) => [node.id, node]));
  const ids: string[] = [];
  let node = byId.get(chain[0] ?? '');
  while (node) {
    expect(node.depth).toBe(ids.length);
    expect(node.parentId).toBe(ids.at(-1) ?? null);
    ids.push(node.id);
    const next: string | undefined = node.children[0];
    node = next === undefined ? undefined : byId.get(next);
  }
  return ids;
}

/** GETs `path` `CALLS` times, one after the other, and returns every status and the last body. */
async function callRepeatedly(path: string): Promise<{ statuses: number[]; last: unknown }> {
  const statuses: number[] = [];
  let last: unknown = null;
  for (let i = 0; i < CALLS; i++) {
    const response = await fetch(`${server.url}${path}`);
    statuses.push(response.status);
    last = await response.json();
  }
  return { statuses, last };
}

describe(`the 1,000-deep chain under node --stack-size=${STACK_KB}`, () => {
  it("runs on the run's database, with the seed's chain of 1,000 replies", async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { db: string };
    expect(health.db).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    expect(chain).toHaveLength(1000);
  });

  it(`answers ${CALLS} of ${CALLS} calls to /trpc with the whole chain`, async () => {
    const input = encodeURIComponent(
      JSON.stringify({ targetType: 'question', targetId: questionId, limit: MAX_THREAD_NODES }),
    );
    const { statuses, last } = await callRepeatedly(`/trpc/reply.thread?input=${input}`);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const thread = (last as { result: { data: Thread & { total: number; truncated: boolean } } }).result.data;
    expect(walkChain(thread)).toEqual(chain);
    expect(thread.truncated).toBe(false);
  });

  it(`answers ${CALLS} of ${CALLS} calls to the REST mirror /api with the whole chain`, async () => {
    const { statuses, last } = await callRepeatedly(
      `/api/reply/thread?targetType=question&targetId=${questionId}&limit=${MAX_THREAD_NODES}`,
    );
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const thread = last as Thread & { total: number; truncated: boolean };
    expect(walkChain(thread)).toEqual(chain);
    expect(thread.truncated).toBe(false);
  });

  it('answers the streaming tRPC link (the stock adapter) with the whole chain', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchStreamLink({ url: `${server.url}/trpc` })],
    });
    const threads = await Promise.all(
      Array.from({ length: 10 }, () =>
        client.reply.thread.query({ targetType: 'question', targetId: questionId, limit: MAX_THREAD_NODES }),
      ),
    );
    for (const thread of threads) expect(walkChain(thread)).toEqual(chain);
  });

  it('logged no failure', () => {
    expect(server.output()).not.toMatch(/Maximum call stack|procedure failed|"level":50/);
  });
});
