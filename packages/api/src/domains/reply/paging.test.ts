import { MAX_THREAD_NODES, THREAD_PAGE_SIZE } from '@devflow/contract/limits';
import { QueryCounter } from '@devflow/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestReplies,
  createTestUser,
  outcome,
  type TestDeps,
} from '../../testing';
import type { SessionUser } from '../../trpc/context';

/**
 * `reply.thread` pages: a page holds `limit` replies depth-first and `nextCursor` goes on right after
 * it, so the pages of a thread, read in turn, are the unpaged thread cut in pieces.
 */

const counter = new QueryCounter();
let deps: TestDeps;
let alice: SessionUser;
let bob: SessionUser;
let moderator: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps({}, { logger: counter });
  alice = await createTestUser(deps);
  bob = await createTestUser(deps);
  moderator = await createTestUser(deps, { role: 'moderator' });
});

afterAll(async () => {
  await deps.close();
});

type Target = { targetType: 'question' | 'answer'; targetId: string };
type Page = Awaited<ReturnType<ReturnType<typeof callerFor>['reply']['thread']>>;
type Options = { rootId?: string; maxDepth?: number; limit?: number };

/** Every page of a thread, read by following `nextCursor` until it is null. */
async function allPages(viewer: SessionUser | null, target: Target, options: Options): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await callerFor(deps, viewer).reply.thread({ ...target, ...options, cursor });
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > 20_000) throw new Error('the pages never end');
  } while (cursor !== null);
  return pages;
}

/** A seeded random tree: `parentIndex[i]` is the index of reply i's parent (-1: top level). */
function randomTree(size: number, seed: number, topLevel: number, deepBias: number): number[] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  // With `deepBias` a reply tends to answer one of the newest replies (long chains), else any earlier one.
  return Array.from({ length: size }, (_, i) => {
    if (i < topLevel || random() < 0.03) return -1;
    return random() < deepBias ? i - 1 - Math.floor(random() * Math.min(i, 3)) : Math.floor(random() * i);
  });
}

/** The depth-first order of a `parentIndex` tree (children oldest first), down to `maxDepth` levels. */
function depthFirst(parentIndex: readonly number[], maxDepth: number): number[] {
  const children = new Map<number, number[]>();
  for (const [i, p] of parentIndex.entries()) children.set(p, [...(children.get(p) ?? []), i]);
  const order: number[] = [];
  const stack = [...(children.get(-1) ?? [])].reverse().map((i) => ({ i, level: 1 }));
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    order.push(top.i);
    if (top.level < maxDepth) {
      const below = [...(children.get(top.i) ?? [])].reverse();
      stack.push(...below.map((i) => ({ i, level: top.level + 1 })));
    }
  }
  return order;
}

/** Checks every page's `moreReplies`, `children` and `nextParentId` against the whole thread. */
function checkPages(pages: Page[], parentOf: ReadonlyMap<string, string | null>, maxDepth: number) {
  const childrenOf = new Map<string, string[]>();
  for (const [id, parent] of parentOf) {
    if (parent !== null) childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), id]);
  }
  for (const [index, page] of pages.entries()) {
    const here = new Set(page.items.map((n) => n.id));
    for (const node of page.items) {
      const all = childrenOf.get(node.id) ?? [];
      const level = levelOf(node.id, parentOf);
      const shown = level < maxDepth ? all.filter((c) => here.has(c)) : [];
      expect(node.children).toEqual(shown);
      expect(node.moreReplies).toBe(shown.length < all.length);
    }
    const next = pages[index + 1]?.items[0];
    expect(page.nextParentId).toBe(
      next === undefined || levelOf(next.id, parentOf) === 1 ? null : next.parentId,
    );
    expect(page.truncated).toBe(page.nextCursor !== null || page.items.some((n) => n.moreReplies));
  }
}

/** Level of a reply in a whole-thread view: 1 at the top. */
function levelOf(id: string, parentOf: ReadonlyMap<string, string | null>): number {
  let level = 1;
  for (
    let parent = parentOf.get(id);
    parent !== null && parent !== undefined;
    parent = parentOf.get(parent)
  ) {
    level += 1;
  }
  return level;
}

describe('reply.thread pages', () => {
  it('pages through deep and wide trees: every reply once, in the unpaged depth-first order', async () => {
    const shapes = [
      { name: 'deep', parentIndex: randomTree(600, 11, 2, 0.9) },
      { name: 'wide', parentIndex: randomTree(600, 5, 40, 0.05) },
    ];
    for (const { name, parentIndex } of shapes) {
      const question = await createTestQuestion(deps, alice);
      const target: Target = { targetType: 'question', targetId: String(question.id) };
      const ids = await createTestReplies(deps, { type: 'question', id: question.id }, parentIndex, bob.id);
      const parentOf = new Map(
        parentIndex.map((p, i) => [String(ids[i]), p < 0 ? null : String(ids[p])] as const),
      );
      for (const maxDepth of [1000, 4]) {
        const expected = depthFirst(parentIndex, maxDepth).map((i) => String(ids[i]));
        const whole = await callerFor(deps, null).reply.thread({
          ...target,
          maxDepth,
          limit: MAX_THREAD_NODES,
        });
        expect(
          whole.items.map((n) => n.id),
          `${name}, maxDepth ${maxDepth}`,
        ).toEqual(expected);
        expect(whole.nextCursor).toBeNull();
        for (const limit of maxDepth === 4 ? [50] : [7, 200]) {
          const pages = await allPages(null, target, { maxDepth, limit });
          expect(pages.flatMap((p) => p.items.map((n) => n.id))).toEqual(expected);
          expect(pages.slice(0, -1).every((p) => p.items.length === limit)).toBe(true);
          expect(pages.every((p) => p.total === parentIndex.length)).toBe(true);
          checkPages(pages, parentOf, maxDepth);
        }
      }
      // A subtree pages the same way: the deepest top-level branch, 13 at a time.
      const rootIndex = parentIndex.findIndex(
        (p, i) => p === -1 && parentIndex.filter((q) => q === i).length > 0,
      );
      const root = String(ids[rootIndex]);
      const subtree = depthFirst(
        parentIndex.map((p, i) => (i === rootIndex ? -1 : p === -1 ? -2 : p)),
        1000,
      ).map((i) => String(ids[i]));
      const pages = await allPages(null, target, { rootId: root, limit: 13 });
      expect(pages.flatMap((p) => p.items.map((n) => n.id))).toEqual(subtree);
      expect(pages.length).toBe(Math.ceil(subtree.length / 13));
    }
  });

  it('walks a 1,200-deep chain 250 at a time down to maxDepth, in one statement per page', async () => {
    const question = await createTestQuestion(deps, alice);
    const target: Target = { targetType: 'question', targetId: String(question.id) };
    const ids = await createTestReplies(
      deps,
      { type: 'question', id: question.id },
      Array.from({ length: 1200 }, (_, i) => i - 1),
      bob.id,
    );
    await deps.jobs.drainJobs();
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const { result, statements } = await counter.measure(() =>
        callerFor(deps, null).reply.thread({ ...target, limit: 250, cursor }),
      );
      expect(statements).toHaveLength(1);
      pages.push(result);
      cursor = result.nextCursor;
    } while (cursor !== null);
    expect(pages.map((p) => p.items.length)).toEqual([250, 250, 250, 250]);
    expect(pages.flatMap((p) => p.items.map((n) => n.id))).toEqual(ids.slice(0, 1000).map(String));
    // Each page continues under the last reply of the one before, which says so.
    for (const [i, page] of pages.slice(0, -1).entries()) {
      expect(page.nextParentId).toBe(String(ids[250 * i + 249]));
      expect(page.items.at(-1)?.moreReplies).toBe(true);
    }
    // The last level (maxDepth 1000) has replies below it: flagged, not returned, no further page.
    expect(pages.at(-1)?.items.at(-1)).toMatchObject({
      id: String(ids[999]),
      moreReplies: true,
      children: [],
    });
    expect(pages.at(-1)?.truncated).toBe(true);
  });

  it('defaults to 200 replies a page and bounds limit to 1..10,000', async () => {
    const question = await createTestQuestion(deps, alice);
    const target: Target = { targetType: 'question', targetId: String(question.id) };
    const ids = await createTestReplies(
      deps,
      { type: 'question', id: question.id },
      Array.from({ length: 450 }, () => -1),
      bob.id,
    );
    const first = await callerFor(deps, null).reply.thread(target);
    expect(first.items.map((n) => n.id)).toEqual(ids.slice(0, THREAD_PAGE_SIZE.default).map(String));
    expect(first).toMatchObject({ total: 450, truncated: true, nextParentId: null });
    const second = await callerFor(deps, null).reply.thread({ ...target, cursor: first.nextCursor });
    const third = await callerFor(deps, null).reply.thread({ ...target, cursor: second.nextCursor });
    expect([...second.items, ...third.items].map((n) => n.id)).toEqual(ids.slice(200).map(String));
    expect(third).toMatchObject({ nextCursor: null, truncated: false });
    expect(third.items).toHaveLength(50);
    const anonymous = callerFor(deps, null);
    for (const limit of [0, -1, MAX_THREAD_NODES + 1, 2.5]) {
      expect(await outcome(() => anonymous.reply.thread({ ...target, limit }))).toMatch(/^BAD_REQUEST/);
    }
    expect(await outcome(() => anonymous.reply.thread({ ...target, limit: MAX_THREAD_NODES + 1 }))).toContain(
      'at most 10,000 replies',
    );
    const all = await anonymous.reply.thread({ ...target, limit: MAX_THREAD_NODES });
    expect(all.items).toHaveLength(450);
  });

  it('refuses a cursor that is not one of this thread with BAD_REQUEST and a human message', async () => {
    const question = await createTestQuestion(deps, alice);
    const other = await createTestQuestion(deps, alice);
    const target: Target = { targetType: 'question', targetId: String(question.id) };
    const otherTarget: Target = { targetType: 'question', targetId: String(other.id) };
    // Two branches of a 4-deep chain each, and a reply under another question.
    const ids = await createTestReplies(
      deps,
      { type: 'question', id: question.id },
      [-1, 0, 1, 2, -1, 4, 5, 6],
      bob.id,
    );
    await createTestReplies(deps, { type: 'question', id: other.id }, [-1, 0, 0], bob.id);
    const page = await callerFor(deps, null).reply.thread({ ...target, limit: 2 });
    const cursor = page.nextCursor;
    if (cursor === null) throw new Error('expected a second page');
    const fromOther = (await callerFor(deps, null).reply.thread({ ...otherTarget, limit: 1 })).nextCursor;
    const subtreeCursor = (
      await callerFor(deps, null).reply.thread({ ...target, rootId: String(ids[4]), limit: 2 })
    ).nextCursor;
    const anonymous = callerFor(deps, null);
    const message = 'BAD_REQUEST: This cursor is not valid; start from the first page.';
    const bad = [
      'not a cursor',
      '',
      Buffer.from('[0]').toString('base64url'),
      Buffer.from('["1"]').toString('base64url'),
      Buffer.from('[99999999999]').toString('base64url'),
      Buffer.from('{"id":1}').toString('base64url'),
    ];
    for (const value of bad) {
      const result = await outcome(() => anonymous.reply.thread({ ...target, cursor: value }));
      // An empty cursor is no cursor: the first page.
      expect(result).toBe(value === '' ? 'ok' : message);
    }
    expect(await outcome(() => anonymous.reply.thread({ ...target, cursor: 'x'.repeat(501) }))).toMatch(
      /^BAD_REQUEST/,
    );
    // Another thread's cursor, a cursor outside the subtree asked for, deeper than maxDepth.
    expect(await outcome(() => anonymous.reply.thread({ ...target, cursor: fromOther }))).toBe(message);
    expect(await outcome(() => anonymous.reply.thread({ ...target, rootId: String(ids[4]), cursor }))).toBe(
      message,
    );
    expect(await outcome(() => anonymous.reply.thread({ ...target, maxDepth: 1, cursor }))).toBe(message);
    // The subtree's own cursor goes on within the subtree only.
    const rest = await anonymous.reply.thread({ ...target, rootId: String(ids[4]), cursor: subtreeCursor });
    expect(rest.items.map((n) => n.id)).toEqual([ids[6], ids[7]].map(String));
    expect(rest.nextCursor).toBeNull();
    // A missing post is still NOT_FOUND, cursor or not.
    expect(
      await outcome(() => anonymous.reply.thread({ targetType: 'answer', targetId: '999999999', cursor })),
    ).toMatch(/^NOT_FOUND/);
  });

  it('keeps tombstones and hidden replies in place across pages, shown as before', async () => {
    const question = await createTestQuestion(deps, alice);
    const answer = await createTestAnswer(deps, bob, question);
    const target: Target = { targetType: 'answer', targetId: String(answer.id) };
    const ids = await createTestReplies(
      deps,
      { type: 'answer', id: answer.id },
      [-1, 0, 1, 1, 0, -1, 5, 6],
      bob.id,
    );
    const [deleted, hidden] = [ids[1], ids[5]];
    await deps.db.execute(sql`update replies set deleted_at = now() where id = ${deleted}`);
    await deps.db.execute(sql`update replies set hidden_at = now() where id = ${hidden}`);
    for (const viewer of [null, moderator]) {
      const pages = await allPages(viewer, target, { limit: 3 });
      const items = pages.flatMap((p) => p.items);
      expect(items.map((n) => n.id)).toEqual(ids.map(String));
      expect(items.map((n) => [n.deleted, n.hidden, n.body === ''])).toEqual(
        ids.map((id) => {
          if (id === deleted) return [true, false, true];
          if (id === hidden) return viewer === null ? [true, false, true] : [false, true, false];
          return [false, false, false];
        }),
      );
    }
  });
});
