/**
 * The bench's thread strategies answer exactly what `reply.thread` answers: the bare CTE twin, one query
 * per level and one query per reply must return the procedure's JSON (same nodes, `moreReplies`,
 * `truncated`, `total`) — otherwise the bench would compare different work. Runs on PGlite, or on
 * PostgreSQL through postgres.js (as the baseline server does) when `DATABASE_URL` is set.
 */
import { MAX_THREAD_DEPTH, MAX_THREAD_NODES, type RouterInputs } from '@devflow/api';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestReplies,
  createTestUser,
  type TestDeps,
} from '@devflow/api/testing';
import { queryRows } from '@devflow/db';
import { QueryCounter } from '@devflow/db/testing';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunSql,
  type SqlParam,
  THREAD_MAX_DEPTH,
  THREAD_MAX_NODES,
  type ThreadRequest,
  threadByCte,
  threadCteQuery,
  threadPerLevel,
  threadPerNode,
} from './thread';

let deps: TestDeps;
const statements = new QueryCounter();
let run: RunSql;
let closeRun = async () => {};

beforeAll(async () => {
  deps = await createTestDeps({}, { logger: statements });
  const pglite = deps.dbHandle.pglite;
  if (pglite) {
    run = async <T extends object>(text: string, params: readonly SqlParam[]) =>
      (await pglite.query<T>(text, [...params])).rows;
    return;
  }
  // PostgreSQL: a postgres.js client on this file's private database, prepared like the bench server's.
  const [row] = await queryRows<{ name: string }>(deps.db, sql`select current_database() as name`);
  const url = new URL(process.env.DATABASE_URL ?? '');
  url.pathname = `/${row?.name ?? ''}`;
  const client = postgres(url.toString(), { max: 2, onnotice: () => {} });
  run = (text, params) => client.unsafe(text, [...params], { prepare: true });
  closeRun = () => client.end({ timeout: 5 });
});

afterAll(async () => {
  await closeRun();
  await deps.close();
});

const strategies = { cte: threadByCte, perLevel: threadPerLevel, perNode: threadPerNode };

/** Asks the procedure (anonymous) and every bare strategy the same thing; all must agree. */
async function expectSameAnswers(request: ThreadRequest) {
  const input: RouterInputs['reply']['thread'] = {
    targetType: request.type,
    targetId: String(request.id),
    ...(request.rootId === undefined ? {} : { rootId: String(request.rootId) }),
    ...(request.maxDepth === undefined ? {} : { maxDepth: request.maxDepth }),
  };
  const expected = await callerFor(deps, null)
    .reply.thread(input)
    .catch((error: unknown) => {
      expect(error).toMatchObject({ code: 'NOT_FOUND' });
      return null;
    });
  for (const [name, strategy] of Object.entries(strategies)) {
    expect({ name, answer: await strategy(run, request) }).toEqual({ name, answer: expected });
  }
  return expected;
}

/** A reproducible random number in [0, 1). */
function randomFrom(start: number) {
  let seed = start;
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

describe('bench thread strategies', () => {
  it("use the procedure's bounds", () => {
    expect([THREAD_MAX_NODES, THREAD_MAX_DEPTH]).toEqual([MAX_THREAD_NODES, MAX_THREAD_DEPTH]);
  });

  it('send, in the one-statement twin, the very SQL text the procedure sends', async () => {
    const alice = await createTestUser(deps);
    const question = await createTestQuestion(deps, alice);
    const [root] = await createTestReplies(deps, { type: 'question', id: question.id }, [-1, 0], alice.id);
    for (const request of [
      { type: 'question', id: question.id },
      { type: 'question', id: question.id, rootId: root, maxDepth: 2 },
    ] satisfies ThreadRequest[]) {
      const { statements: sent } = await statements.measure(() =>
        callerFor(deps, null).reply.thread({
          targetType: request.type,
          targetId: String(request.id),
          ...(request.rootId === undefined
            ? {}
            : { rootId: String(request.rootId), maxDepth: request.maxDepth }),
        }),
      );
      expect(sent).toContain(threadCteQuery(request).text);
    }
  });

  it('match reply.thread on a small bushy thread: whole, by depth, by root, and NOT_FOUND', async () => {
    const alice = await createTestUser(deps);
    const question = await createTestQuestion(deps, alice);
    const answer = await createTestAnswer(deps, alice, question);
    const random = randomFrom(11);
    const parentIndex = Array.from({ length: 300 }, (_, i) =>
      i < 4 || random() < 0.05 ? -1 : Math.floor(random() * i),
    );
    const ids = await createTestReplies(deps, { type: 'answer', id: answer.id }, parentIndex, alice.id);
    await deps.db.execute(
      sql`update replies set deleted_at = now(), likes = 2, score = 2 where id = ${ids[7]}`,
    );

    const whole = await expectSameAnswers({ type: 'answer', id: answer.id });
    expect(whole?.total).toBe(300);
    expect(whole?.truncated).toBe(false);
    for (const maxDepth of [1, 2, 3]) {
      const cut = await expectSameAnswers({ type: 'answer', id: answer.id, maxDepth });
      expect(cut?.truncated).toBe(true);
    }
    for (const index of [0, 7, 150, 299]) {
      await expectSameAnswers({ type: 'answer', id: answer.id, rootId: ids[index] });
      await expectSameAnswers({ type: 'answer', id: answer.id, rootId: ids[index], maxDepth: 2 });
    }
    // A root in another thread, a missing post, a deleted post: NOT_FOUND everywhere.
    const other = await createTestQuestion(deps, alice);
    expect(await expectSameAnswers({ type: 'question', id: other.id, rootId: ids[0] })).toBeNull();
    expect(await expectSameAnswers({ type: 'question', id: 999_999_999 })).toBeNull();
    const deleted = await createTestQuestion(deps, alice, { deletedAt: new Date() });
    expect(await expectSameAnswers({ type: 'question', id: deleted.id })).toBeNull();
  });

  it('match reply.thread where the cap cuts a level part-way, and where it cuts the top level', async () => {
    const alice = await createTestUser(deps);
    // Levels of 50, 950 and 9,500 replies, then 300 more: the cap keeps 9,000 of level 3.
    const deep = await createTestQuestion(deps, alice);
    const random = randomFrom(5);
    const sizes = [50, 950, 9500, 300];
    const parentIndex: number[] = [];
    let start = 0;
    for (const [level, size] of sizes.entries()) {
      const previous = level === 0 ? 0 : (sizes[level - 1] ?? 0);
      for (let i = 0; i < size; i++) {
        parentIndex.push(level === 0 ? -1 : start - previous + Math.floor(random() * previous));
      }
      start += size;
    }
    await createTestReplies(deps, { type: 'question', id: deep.id }, parentIndex, alice.id);
    const cut = await expectSameAnswers({ type: 'question', id: deep.id });
    expect(cut?.truncated).toBe(true);
    expect(cut?.total).toBe(10_800);

    // More top-level replies than the cap, a few of them with a reply.
    const flat = await createTestQuestion(deps, alice);
    const tops = THREAD_MAX_NODES + 3;
    await createTestReplies(
      deps,
      { type: 'question', id: flat.id },
      Array.from({ length: tops + 3 }, (_, i) => (i < tops ? -1 : (i - tops) * 4_999)),
      alice.id,
    );
    const wide = await expectSameAnswers({ type: 'question', id: flat.id });
    expect(wide?.items).toHaveLength(THREAD_MAX_NODES);
    expect(wide?.items.filter((n) => n.moreReplies)).toHaveLength(3);
  });
});
