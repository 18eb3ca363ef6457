/**
 * The bench's thread strategies answer exactly what `reply.thread` answers for the same request: the bare
 * one-statement twin, one query per level and one query per reply must return the procedure's JSON (the
 * same page of nodes, `moreReplies`, `truncated`, `total`, `nextCursor`, `nextParentId`, or the same
 * error) — otherwise the bench would compare different work. Runs on PGlite, or on PostgreSQL through
 * postgres.js (as the baseline server does) when `DATABASE_URL` is set.
 */
import type { RouterInputs } from '@devflow/api';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestReplies,
  createTestUser,
  type TestDeps,
} from '@devflow/api/testing';
import { QueryCounter } from '@devflow/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOnTestDatabase } from './test-database';
import {
  type RunSql,
  type SqlParam,
  type ThreadPage,
  type ThreadRequest,
  type ThreadResponse,
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
  const client = await clientOnTestDatabase(deps.db);
  run = (text, params) => client.unsafe(text, [...params], { prepare: true });
  closeRun = () => client.end({ timeout: 5 });
});

afterAll(async () => {
  await closeRun();
  await deps.close();
});

const strategies = { cte: threadByCte, perLevel: threadPerLevel, perNode: threadPerNode };

/** The procedure's input for a bench request. */
function inputOf(request: ThreadRequest): RouterInputs['reply']['thread'] {
  return {
    targetType: request.type,
    targetId: String(request.id),
    ...(request.rootId === undefined ? {} : { rootId: String(request.rootId) }),
    ...(request.maxDepth === undefined ? {} : { maxDepth: request.maxDepth }),
    ...(request.limit === undefined ? {} : { limit: request.limit }),
    ...(request.cursor === undefined ? {} : { cursor: request.cursor }),
  };
}

/** Asks the procedure (anonymous) and every bare strategy the same thing; all must answer alike. */
async function expectSameAnswers(request: ThreadRequest): Promise<ThreadResponse> {
  const expected: ThreadResponse = await callerFor(deps, null)
    .reply.thread(inputOf(request))
    .catch((error: unknown) => {
      const code = (error as { code?: unknown }).code;
      if (code !== 'NOT_FOUND' && code !== 'BAD_REQUEST') throw error;
      return { error: code };
    });
  for (const [name, strategy] of Object.entries(strategies)) {
    expect({ name, answer: await strategy(run, request) }).toEqual({ name, answer: expected });
  }
  return expected;
}

/** The answer as a page; fails the test when it is an error. */
function pageOf(answer: ThreadResponse): ThreadPage {
  if ('error' in answer) throw new Error(`expected a page, got ${answer.error}`);
  return answer;
}

/** Follows `nextCursor` from the first page to the last, checking every page; returns the pages. */
async function expectSamePages(request: ThreadRequest): Promise<ThreadPage[]> {
  const pages = [pageOf(await expectSameAnswers(request))];
  for (let cursor = pages[0]?.nextCursor; cursor; cursor = pages[pages.length - 1]?.nextCursor) {
    pages.push(pageOf(await expectSameAnswers({ ...request, cursor })));
  }
  return pages;
}

/** A reproducible random number in [0, 1). */
function randomFrom(start: number) {
  let seed = start;
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

/** Parent indexes of a bushy thread: `tops` top-level replies, then a few more, the rest under earlier replies. */
function bushy(size: number, tops: number, seed: number): number[] {
  const random = randomFrom(seed);
  return Array.from({ length: size }, (_, i) =>
    i < tops || random() < 0.05 ? -1 : Math.floor(random() * i),
  );
}

describe('bench thread strategies', () => {
  it('send, in the one-statement twin, the very SQL text the procedure sends', async () => {
    const alice = await createTestUser(deps);
    const question = await createTestQuestion(deps, alice);
    const [root] = await createTestReplies(
      deps,
      { type: 'question', id: question.id },
      [-1, 0, -1],
      alice.id,
    );
    const first = pageOf(await expectSameAnswers({ type: 'question', id: question.id, limit: 1 }));
    expect(first.nextCursor).not.toBeNull();
    for (const request of [
      { type: 'question', id: question.id },
      { type: 'question', id: question.id, rootId: root, maxDepth: 2 },
      { type: 'question', id: question.id, limit: 1, cursor: first.nextCursor ?? '' },
    ] satisfies ThreadRequest[]) {
      const { statements: sent } = await statements.measure(() =>
        callerFor(deps, null).reply.thread(inputOf(request)),
      );
      expect(sent).toContain(threadCteQuery(request).text);
    }
  });

  it('match reply.thread on a small bushy thread: whole, by depth, by root, and NOT_FOUND', async () => {
    const alice = await createTestUser(deps);
    const question = await createTestQuestion(deps, alice);
    const answer = await createTestAnswer(deps, alice, question);
    const ids = await createTestReplies(deps, { type: 'answer', id: answer.id }, bushy(120, 4, 11), alice.id);
    await deps.db.execute(
      sql`update replies set deleted_at = now(), likes = 2, score = 2 where id = ${ids[7]}`,
    );
    await deps.db.execute(sql`update replies set hidden_at = now() where id = ${ids[9]}`);

    const whole = pageOf(await expectSameAnswers({ type: 'answer', id: answer.id }));
    expect(whole.total).toBe(120);
    expect(whole.items).toHaveLength(120);
    expect([whole.truncated, whole.nextCursor]).toEqual([false, null]);
    expect(whole.items.find((node) => node.id === String(ids[9]))).toMatchObject({ deleted: true, body: '' });
    for (const maxDepth of [1, 2, 3]) {
      const cut = pageOf(await expectSameAnswers({ type: 'answer', id: answer.id, maxDepth }));
      expect(cut.truncated).toBe(true);
      expect(cut.items.some((node) => node.moreReplies)).toBe(true);
    }
    for (const index of [0, 7, 60, 119]) {
      await expectSameAnswers({ type: 'answer', id: answer.id, rootId: ids[index] });
      await expectSameAnswers({ type: 'answer', id: answer.id, rootId: ids[index], maxDepth: 2 });
    }
    // A root in another thread, a missing post, a deleted post: NOT_FOUND everywhere.
    const other = await createTestQuestion(deps, alice);
    expect(await expectSameAnswers({ type: 'question', id: other.id, rootId: ids[0] })).toEqual({
      error: 'NOT_FOUND',
    });
    expect(await expectSameAnswers({ type: 'question', id: 999_999_999 })).toEqual({ error: 'NOT_FOUND' });
    const deleted = await createTestQuestion(deps, alice, { deletedAt: new Date() });
    expect(await expectSameAnswers({ type: 'question', id: deleted.id })).toEqual({ error: 'NOT_FOUND' });
  });

  it('match reply.thread page by page on a thread larger than one page, and refuse a foreign cursor', async () => {
    const alice = await createTestUser(deps);
    const question = await createTestQuestion(deps, alice);
    const ids = await createTestReplies(
      deps,
      { type: 'question', id: question.id },
      bushy(450, 6, 3),
      alice.id,
    );

    // The default page (200): three pages that hold every reply once, the second one reached by cursor.
    const pages = await expectSamePages({ type: 'question', id: question.id });
    expect(pages.map((page) => page.items.length)).toEqual([200, 200, 50]);
    expect(pages[0]?.truncated).toBe(true);
    const seen = pages.flatMap((page) => page.items.map((node) => node.id));
    expect(new Set(seen).size).toBe(450);
    expect([...seen].sort()).toEqual(ids.map(String).sort());

    // Pages of a subtree, depth-bounded, and small pages.
    await expectSamePages({ type: 'question', id: question.id, rootId: ids[0], limit: 25 });
    await expectSamePages({ type: 'question', id: question.id, maxDepth: 3, limit: 60 });

    // A cursor of this thread is BAD_REQUEST for another thread, and for a depth that excludes its reply.
    const elsewhere = await createTestQuestion(deps, alice);
    await createTestReplies(deps, { type: 'question', id: elsewhere.id }, [-1], alice.id);
    const cursor = pages[0]?.nextCursor ?? '';
    const refused = { error: 'BAD_REQUEST' };
    expect(await expectSameAnswers({ type: 'question', id: elsewhere.id, cursor })).toEqual(refused);
    expect(pages[0]?.items.at(-1)?.depth).toBeGreaterThan(0);
    expect(await expectSameAnswers({ type: 'question', id: question.id, maxDepth: 1, cursor })).toEqual(
      refused,
    );
    expect(await expectSameAnswers({ type: 'question', id: question.id, cursor: 'not-a-cursor' })).toEqual(
      refused,
    );
  });

  it("match reply.thread where the page ends part-way through a reply's children", async () => {
    const alice = await createTestUser(deps);
    const question = await createTestQuestion(deps, alice);
    // One top-level reply with twelve replies, the fifth of which has three of its own; then another top.
    const parentIndex = [-1, ...Array.from({ length: 12 }, () => 0), 5, 5, 5, -1];
    const ids = await createTestReplies(deps, { type: 'question', id: question.id }, parentIndex, alice.id);
    for (const limit of [1, 4, 6, 8, 9, 14, 16, 17]) {
      const pages = await expectSamePages({ type: 'question', id: question.id, limit });
      expect(pages.flatMap((page) => page.items)).toHaveLength(17);
    }
    const cut = pageOf(await expectSameAnswers({ type: 'question', id: question.id, limit: 7 }));
    // Seven rows: the top reply, its first four children, the fifth child and its first reply.
    expect(cut.items.map((node) => node.id)).toEqual([0, 1, 2, 3, 4, 5, 13].map((i) => String(ids[i])));
    expect(cut.nextParentId).toBe(String(ids[5]));
    expect(cut.items.filter((node) => node.moreReplies).map((node) => node.id)).toEqual(
      [0, 5].map((i) => String(ids[i])),
    );
  });
});
