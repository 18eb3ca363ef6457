import { loadThread, notifications, replies } from '@devflow/db';
import { QueryCounter } from '@devflow/db/testing';
import type { inferProcedureInput } from '@trpc/server';
import { count, eq, sql } from 'drizzle-orm';
import { generateOpenApiDocument } from 'trpc-to-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppRouter, appRouter } from '../../root';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestReplies,
  createTestUser,
  type NestedReply,
  nestThread,
  type TestDeps,
} from '../../testing';
import type { SessionUser } from '../../trpc/context';

type CreateInput = inferProcedureInput<AppRouter['reply']['create']>;

const counter = new QueryCounter();
let deps: TestDeps;
let alice: SessionUser;
let bob: SessionUser;
let carol: SessionUser;
let moderator: SessionUser;
let suspended: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps({}, { logger: counter });
  alice = await createTestUser(deps);
  bob = await createTestUser(deps);
  carol = await createTestUser(deps);
  moderator = await createTestUser(deps, { role: 'moderator' });
  suspended = await createTestUser(deps, { suspendedUntil: new Date(Date.now() + 86_400_000) });
});

afterAll(async () => {
  await deps.close();
});

/** `n` top-level replies by `authorId`, ids in age order. */
const flatReplies = (target: { type: 'question' | 'answer'; id: number }, n: number, authorId: number) =>
  createTestReplies(
    deps,
    target,
    Array.from({ length: n }, () => -1),
    authorId,
  );

type Shape = { id: string; children: Shape[] };
const shape = (nodes: NestedReply[]): Shape[] =>
  nodes.map((n) => ({ id: n.id, children: shape(n.children) }));
const countNodes = (nodes: NestedReply[]): number =>
  nodes.reduce((sum, n) => sum + 1 + countNodes(n.children), 0);

describe('reply.thread total (reply_counts, kept by triggers)', () => {
  it('stays exact under 16 parallel replies, bulk inserts, deletions (tombstones count) and hard deletes', async () => {
    const question = await createTestQuestion(deps, alice);
    const answer = await createTestAnswer(deps, bob, question);
    const target = { targetType: 'answer' as const, targetId: String(answer.id) };
    const writers = [alice, bob, carol];
    const created = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        callerFor(deps, writers[i % 3] as SessionUser).reply.create({
          ...target,
          body: `Parallel reply ${i}.`,
        }),
      ),
    );
    const total = async () => (await callerFor(deps, null).reply.thread({ ...target, limit: 1 })).total;
    expect(await total()).toBe(16);
    // A bulk insert (as the seed and the transfer import write) counts every row it adds.
    await flatReplies({ type: 'answer', id: answer.id }, 50, carol.id);
    expect(await total()).toBe(66);
    // A deleted reply stays as a tombstone and still counts; a row removed from the table does not.
    await callerFor(deps, moderator).reply.delete({ id: created[0]?.id ?? '0' });
    expect(await total()).toBe(66);
    await deps.db.delete(replies).where(eq(replies.id, Number(created[1]?.id)));
    expect(await total()).toBe(65);
    // Another thread's count is its own.
    expect(
      (await callerFor(deps, null).reply.thread({ targetType: 'question', targetId: String(question.id) }))
        .total,
    ).toBe(0);
  });
});

describe('reply.thread', () => {
  it('returns a 10-deep chain, flat, parents first, in one query', async () => {
    const question = await createTestQuestion(deps, alice);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const reply = await callerFor(deps, i % 2 ? bob : carol).reply.create({
        targetType: 'question',
        targetId: String(question.id),
        parentId: ids[i - 1],
        body: `level **${i}**`,
      });
      expect(reply.depth).toBe(i);
      ids.push(reply.id);
    }
    // Mail jobs of the writes above run in the background on this database: let them finish first.
    await deps.jobs.drainJobs();
    const { result, statements } = await counter.measure(() =>
      callerFor(deps, null).reply.thread({ targetType: 'question', targetId: String(question.id) }),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/with recursive/i);
    expect(result.total).toBe(10);
    expect(result.truncated).toBe(false);
    expect(result.items.map((node) => [node.id, node.children])).toEqual(
      ids.map((id, i) => [id, ids.slice(i + 1, i + 2)]),
    );
    let level = nestThread(result);
    for (let i = 0; i < 10; i++) {
      expect(level).toHaveLength(1);
      const node = level[0];
      if (!node) throw new Error('missing node');
      expect(node.id).toBe(ids[i]);
      expect(node.depth).toBe(i);
      expect(node.parentId).toBe(i === 0 ? null : ids[i - 1]);
      expect(node.bodyHtml).toContain(`<strong>${i}</strong>`);
      expect(node.author.username).toBe((i % 2 ? bob : carol).username);
      level = node.children;
    }
    expect(level).toHaveLength(0);
  });

  it('returns a 1,000-node random tree exactly, siblings oldest first, in one query', async () => {
    const question = await createTestQuestion(deps, alice);
    const answer = await createTestAnswer(deps, bob, question);
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const parentIndex = Array.from({ length: 1000 }, (_, i) =>
      i < 5 || random() < 0.05 ? -1 : Math.floor(random() * i),
    );
    const ids = await createTestReplies(deps, { type: 'answer', id: answer.id }, parentIndex, carol.id);
    const build = (parent: number): Shape[] =>
      ids.flatMap((id, i) => (parentIndex[i] === parent ? [{ id: String(id), children: build(i) }] : []));
    const expected = build(-1);

    // Mail jobs of the writes above run in the background on this database: let them finish first.
    await deps.jobs.drainJobs();
    const { result, statements } = await counter.measure(() =>
      callerFor(deps, alice).reply.thread({
        targetType: 'answer',
        targetId: String(answer.id),
        limit: 10_000,
      }),
    );
    expect(statements).toHaveLength(1);
    expect(result.total).toBe(1000);
    expect(result.truncated).toBe(false);
    expect(result.items).toHaveLength(1000);
    expect(countNodes(nestThread(result))).toBe(1000);
    expect(shape(nestThread(result))).toEqual(expected);

    // A subtree: the first top-level reply with children, and only it.
    const rootIndex = ids.findIndex((_, i) => parentIndex.includes(i) && parentIndex[i] === -1);
    // Mail jobs of the writes above run in the background on this database: let them finish first.
    await deps.jobs.drainJobs();
    const sub = await counter.measure(() =>
      callerFor(deps, null).reply.thread({
        targetType: 'answer',
        targetId: String(answer.id),
        rootId: String(ids[rootIndex]),
        limit: 10_000,
      }),
    );
    expect(sub.statements).toHaveLength(1);
    expect(shape(nestThread(sub.result))).toEqual(expected.filter((n) => n.id === String(ids[rootIndex])));
    // `total` counts the whole thread under the answer, whatever the root.
    expect(sub.result.total).toBe(1000);
    expect(sub.result.truncated).toBe(false);

    // maxDepth 2: roots and their children only; deeper replies are flagged, not returned.
    const shallow = await callerFor(deps, null).reply.thread({
      targetType: 'answer',
      targetId: String(answer.id),
      maxDepth: 2,
      limit: 10_000,
    });
    const cut = (nodes: Shape[], levels: number): Shape[] =>
      nodes.map((n) => ({ id: n.id, children: levels > 1 ? cut(n.children, levels - 1) : [] }));
    expect(shape(nestThread(shallow))).toEqual(cut(expected, 2));
    expect(shallow.truncated).toBe(true);
    expect(shallow.total).toBe(1000);
    expect(nestThread(shallow).some((n) => n.moreReplies)).toBe(false);
    const hasGrandchildren = expected.flatMap((n) => n.children).filter((n) => n.children.length > 0);
    const flagged = nestThread(shallow)
      .flatMap((n) => n.children)
      .filter((n) => n.moreReplies);
    expect(flagged.map((n) => n.id).sort()).toEqual(hasGrandchildren.map((n) => n.id).sort());
  });

  it('keeps tombstones in place with their children and hides their body', async () => {
    const question = await createTestQuestion(deps, alice);
    const top = await callerFor(deps, bob).reply.create({
      targetType: 'question',
      targetId: String(question.id),
      body: 'secret words',
    });
    const child = await callerFor(deps, carol).reply.create({
      targetType: 'question',
      targetId: String(question.id),
      parentId: top.id,
      body: 'a child',
    });
    expect(await callerFor(deps, bob).reply.delete({ id: top.id })).toEqual({ ok: true });
    // Replying to a tombstone is allowed.
    const late = await callerFor(deps, alice).reply.create({
      targetType: 'question',
      targetId: String(question.id),
      parentId: top.id,
      body: 'a late reply',
    });
    const thread = await callerFor(deps, null).reply.thread({
      targetType: 'question',
      targetId: String(question.id),
    });
    const [node] = nestThread(thread);
    expect(node).toMatchObject({ id: top.id, deleted: true, body: '', bodyHtml: '' });
    expect(JSON.stringify(thread)).not.toContain('secret words');
    expect(node?.children.map((c) => [c.id, c.deleted, c.body])).toEqual([
      [child.id, false, 'a child'],
      [late.id, false, 'a late reply'],
    ]);
    // A tombstone cannot be edited.
    await expect(callerFor(deps, bob).reply.update({ id: top.id, body: 'again' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('returns the first 10,000 of more top-level replies, truncated, with no parent to flag', async () => {
    const question = await createTestQuestion(deps, alice);
    const ids = await flatReplies({ type: 'question', id: question.id }, 10_001, bob.id);
    // Mail jobs of the writes above run in the background on this database: let them finish first.
    await deps.jobs.drainJobs();
    const { result, statements } = await counter.measure(() =>
      callerFor(deps, null).reply.thread({
        targetType: 'question',
        targetId: String(question.id),
        limit: 10_000,
      }),
    );
    expect(statements).toHaveLength(1);
    expect(result.items.map((n) => n.id)).toEqual(ids.slice(0, 10_000).map(String));
    expect(result.items.some((n) => n.moreReplies || n.children.length > 0)).toBe(false);
    expect(result.total).toBe(10_001);
    expect(result.truncated).toBe(true);
    expect(result.nextParentId).toBeNull();
    const rest = await callerFor(deps, null).reply.thread({
      targetType: 'question',
      targetId: String(question.id),
      cursor: result.nextCursor,
    });
    expect(rest.items.map((n) => n.id)).toEqual([String(ids[10_000])]);
    expect(rest.nextCursor).toBeNull();
  });

  it('caps a big thread depth-first at 10,000, flags the cut branch, and goes on from the cursor', async () => {
    // Level sizes 100, 1,900, 6,000, 4,000, 500 with parents drawn at random, so depth-first order (a
    // reply, then its replies oldest first, each followed by its own) differs from id order and from
    // level order; the cap of 10,000 falls inside some branch.
    const question = await createTestQuestion(deps, alice);
    const sizes = [100, 1900, 6000, 4000, 500];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const parentIndex: number[] = [];
    let start = 0;
    for (const [level, size] of sizes.entries()) {
      const previous = level === 0 ? 0 : (sizes[level - 1] ?? 0);
      for (let i = 0; i < size; i++) {
        // Level 4 hangs from every 12th level-3 reply only, so some replies have several children.
        const step = level === 3 ? 12 : 1;
        parentIndex.push(
          level === 0 ? -1 : start - previous + step * Math.floor((random() * previous) / step),
        );
      }
      start += size;
    }
    const ids = await createTestReplies(deps, { type: 'question', id: question.id }, parentIndex, carol.id);
    const deleted = ids[150];
    await deps.db.execute(sql`update replies set deleted_at = now() where id = ${deleted}`);

    // Oracle: depth-first from all rows, children by id, with an explicit stack.
    const childrenOf = new Map<number, number[]>();
    for (const [i, p] of parentIndex.entries()) {
      const list = childrenOf.get(p) ?? [];
      list.push(i);
      childrenOf.set(p, list);
    }
    const order: number[] = [];
    for (const stack = [...(childrenOf.get(-1) ?? [])].reverse(); stack.length > 0; ) {
      const next = stack.pop();
      if (next === undefined) break;
      order.push(next);
      stack.push(...[...(childrenOf.get(next) ?? [])].reverse());
    }
    const kept = new Set(order.slice(0, 10_000));
    const expectedFlags = order
      .slice(0, 10_000)
      .filter((i) => (childrenOf.get(i) ?? []).some((c) => !kept.has(c)))
      .map((i) => String(ids[i]))
      .sort();

    // Mail jobs of the writes above run in the background on this database: let them finish first.
    await deps.jobs.drainJobs();
    const { result, statements } = await counter.measure(() =>
      callerFor(deps, null).reply.thread({
        targetType: 'question',
        targetId: String(question.id),
        limit: 10_000,
      }),
    );
    expect(statements).toHaveLength(1);
    expect(result.items.map((n) => n.id)).toEqual(order.slice(0, 10_000).map((i) => String(ids[i])));
    const flat: NestedReply[] = [];
    const walk = (nodes: NestedReply[]) => {
      for (const node of nodes) {
        flat.push(node);
        walk(node.children);
      }
    };
    walk(nestThread(result));
    expect(flat.map((n) => n.id)).toEqual(result.items.map((n) => n.id));
    const flagged = flat
      .filter((n) => n.moreReplies)
      .map((n) => n.id)
      .sort();
    expect(flagged).toEqual(expectedFlags);
    expect(flagged.length).toBeGreaterThan(0);
    expect(result.truncated).toBe(true);
    expect(result.total).toBe(12_500);
    expect(flat.find((n) => n.id === String(deleted))).toMatchObject({ deleted: true, body: '' });

    // The cursor goes on with the rest, in the same order.
    const rest = await callerFor(deps, null).reply.thread({
      targetType: 'question',
      targetId: String(question.id),
      limit: 10_000,
      cursor: result.nextCursor,
    });
    expect(rest.items.map((n) => n.id)).toEqual(order.slice(10_000).map((i) => String(ids[i])));
    expect(rest.nextCursor).toBeNull();
    const next = order[10_000];
    expect(result.nextParentId).toBe(
      next === undefined || parentIndex[next] === -1 ? null : String(ids[parentIndex[next] ?? -1]),
    );

    // A prepared statement goes generic after five runs, planned without knowing the thread: with the
    // statistics of many small threads (as in production) it then expects a handful of rows per thread,
    // and that plan must stay fast on a big one. A join from the page to an aggregate of the page once
    // became a nested loop there, quadratic in the page (seconds for this thread).
    await deps.db.execute(
      sql`insert into replies (target_type, target_id, author_id, body, body_html)
          select 'answer', 1000000000 + g, ${carol.id}, 'elsewhere', '<p>elsewhere</p>'
          from generate_series(1, 20000) g`,
    );
    await deps.db.execute(sql`analyze replies`);
    const timed = (mode: 'force_custom_plan' | 'force_generic_plan') =>
      deps.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local plan_cache_mode = ${mode}`));
        const started = performance.now();
        const rows = await loadThread(tx, {
          targetType: 'question',
          targetId: question.id,
          rootId: null,
          maxDepth: 1000,
          maxNodes: 10_000,
          afterId: null,
          viewerId: null,
        });
        return { mode, rows: rows.length, ms: performance.now() - started };
      });
    const runs: { mode: string; rows: number; ms: number }[] = [];
    for (let i = 0; i < 2; i++)
      runs.push(await timed('force_custom_plan'), await timed('force_generic_plan'));
    expect(runs.map((run) => run.rows)).toEqual([10_000, 10_000, 10_000, 10_000]);
    const fastest = (mode: string) =>
      Math.min(...runs.filter((run) => run.mode === mode).map((run) => run.ms));
    expect(fastest('force_generic_plan')).toBeLessThan(2.5 * fastest('force_custom_plan') + 50);

    // A flagged node is where to ask again: its subtree comes back with every child.
    for (const id of flagged) {
      const index = ids.indexOf(Number(id));
      const sub = await callerFor(deps, null).reply.thread({
        targetType: 'question',
        targetId: String(question.id),
        rootId: id,
        limit: 10_000,
      });
      expect(nestThread(sub).map((n) => n.id)).toEqual([id]);
      expect(sub.items[0]?.children).toEqual((childrenOf.get(index) ?? []).map((c) => String(ids[c])));
      expect(sub.truncated).toBe(false);
      expect(sub.total).toBe(12_500);
    }
  });

  it('reads a 10,000-deep chain 1,000 levels at a time, quickly, and goes on from a deeper root', async () => {
    const question = await createTestQuestion(deps, alice);
    const ids = await createTestReplies(
      deps,
      { type: 'question', id: question.id },
      Array.from({ length: 10_000 }, (_, i) => i - 1),
      bob.id,
    );
    const started = performance.now();
    // Mail jobs of the writes above run in the background on this database: let them finish first.
    await deps.jobs.drainJobs();
    const { result, statements } = await counter.measure(() =>
      callerFor(deps, null).reply.thread({
        targetType: 'question',
        targetId: String(question.id),
        limit: 10_000,
      }),
    );
    const elapsed = performance.now() - started;
    expect(statements).toHaveLength(1);
    expect(result.total).toBe(10_000);
    expect(result.truncated).toBe(true);
    let node = nestThread(result)[0];
    for (let i = 1; i < 1000; i++) {
      expect(node?.moreReplies).toBe(false);
      node = node?.children[0];
    }
    expect(node?.id).toBe(String(ids[999]));
    expect(node?.children).toEqual([]);
    expect(node?.moreReplies).toBe(true);
    expect(elapsed).toBeLessThan(deps.dbHandle.kind === 'postgres' ? 1500 : 5000);

    const deeper = await callerFor(deps, null).reply.thread({
      targetType: 'question',
      targetId: String(question.id),
      rootId: String(ids[9990]),
    });
    expect(deeper.total).toBe(10_000);
    expect(deeper.truncated).toBe(false);
    expect(deeper.items[0]?.depth).toBe(9990);
    expect(countNodes(nestThread(deeper))).toBe(10);
    expect(deeper.items).toHaveLength(10);
  });

  it('answers NOT_FOUND for an unknown or deleted target and for a root outside the thread', async () => {
    const question = await createTestQuestion(deps, alice);
    const other = await createTestQuestion(deps, alice);
    const elsewhere = await callerFor(deps, bob).reply.create({
      targetType: 'question',
      targetId: String(other.id),
      body: 'elsewhere',
    });
    const deleted = await createTestQuestion(deps, alice, { deletedAt: new Date() });
    const anonymous = callerFor(deps, null);
    await expect(
      anonymous.reply.thread({ targetType: 'question', targetId: '999999999' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      anonymous.reply.thread({ targetType: 'question', targetId: String(deleted.id) }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      callerFor(deps, bob).reply.thread({ targetType: 'question', targetId: String(deleted.id) }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Moderators review deleted posts, replies included.
    expect(
      await callerFor(deps, moderator).reply.thread({ targetType: 'question', targetId: String(deleted.id) }),
    ).toEqual({ items: [], truncated: false, total: 0, nextCursor: null, nextParentId: null });
    await expect(
      anonymous.reply.thread({ targetType: 'question', targetId: String(question.id), rootId: elsewhere.id }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const empty = await anonymous.reply.thread({ targetType: 'question', targetId: String(question.id) });
    expect(empty).toEqual({ items: [], truncated: false, total: 0, nextCursor: null, nextParentId: null });
    await expect(
      anonymous.reply.thread({ targetType: 'question', targetId: String(question.id), maxDepth: 1001 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('is described in the OpenAPI document as a list of ReplyNode, each naming its children by id', () => {
    const doc = generateOpenApiDocument(appRouter, {
      title: 'DevFlow',
      version: '1',
      baseUrl: 'http://localhost',
    });
    const response = JSON.stringify(doc.paths?.['/reply/thread']?.get?.responses?.['200']);
    expect(response).toContain('"items":{"type":"array","items":{"$ref":"#/components/schemas/ReplyNode"}}');
    const node = doc.components?.schemas?.ReplyNode;
    expect(node).toMatchObject({
      type: 'object',
      properties: {
        children: { type: 'array', items: { type: 'string' } },
        moreReplies: { type: 'boolean' },
      },
    });
    // Flat: nothing in a node refers back to a node, so no reader has to follow a cycle.
    expect(JSON.stringify(node)).not.toContain('$ref');
  });
});

describe('reply.create / update / delete', () => {
  it('notifies the post author for a top-level reply and the parent author below, never oneself', async () => {
    const question = await createTestQuestion(deps, alice);
    const answer = await createTestAnswer(deps, carol, question);
    const before = await deps.db.select().from(notifications);
    const top = await callerFor(deps, bob).reply.create({
      targetType: 'answer',
      targetId: String(answer.id),
      body: 'nice answer',
    });
    const nested = await callerFor(deps, carol).reply.create({
      targetType: 'answer',
      targetId: String(answer.id),
      parentId: top.id,
      body: 'thanks',
    });
    await callerFor(deps, bob).reply.create({
      targetType: 'answer',
      targetId: String(answer.id),
      parentId: top.id,
      body: 'replying to myself',
    });
    const after = await deps.db.select().from(notifications);
    const fresh = after.filter((n) => !before.some((b) => b.id === n.id));
    expect(
      fresh.map((n) => [n.userId, n.actorId, n.type, n.questionId, n.answerId, n.replyId]).sort(),
    ).toEqual(
      [
        [carol.id, bob.id, 'reply', question.id, answer.id, Number(top.id)],
        [bob.id, carol.id, 'reply', question.id, answer.id, Number(nested.id)],
      ].sort(),
    );
  });

  it('refuses bad input and changes nothing', async () => {
    const question = await createTestQuestion(deps, alice);
    const other = await createTestQuestion(deps, alice);
    const deleted = await createTestQuestion(deps, alice, { deletedAt: new Date() });
    const elsewhere = await callerFor(deps, bob).reply.create({
      targetType: 'question',
      targetId: String(other.id),
      body: 'elsewhere',
    });
    const [{ n: before } = { n: 0 }] = await deps.db.select({ n: count() }).from(replies);
    const bobCaller = callerFor(deps, bob);
    const attempts: [CreateInput, string][] = [
      [{ targetType: 'question', targetId: String(question.id), body: '   ' }, 'BAD_REQUEST'],
      [{ targetType: 'question', targetId: String(question.id), body: 'x'.repeat(10_001) }, 'BAD_REQUEST'],
      [{ targetType: 'question', targetId: 'abc', body: 'hello' }, 'BAD_REQUEST'],
      [{ targetType: 'reply' as 'question', targetId: String(question.id), body: 'hello' }, 'BAD_REQUEST'],
      [{ targetType: 'question', targetId: '999999999', body: 'hello' }, 'NOT_FOUND'],
      [{ targetType: 'answer', targetId: String(question.id + 1_000_000), body: 'hello' }, 'NOT_FOUND'],
      [{ targetType: 'question', targetId: String(deleted.id), body: 'hello' }, 'NOT_FOUND'],
      [
        { targetType: 'question', targetId: String(question.id), parentId: '999999999', body: 'hi' },
        'NOT_FOUND',
      ],
      [
        { targetType: 'question', targetId: String(question.id), parentId: elsewhere.id, body: 'hi' },
        'BAD_REQUEST',
      ],
    ];
    for (const [input, code] of attempts) {
      await expect(bobCaller.reply.create(input)).rejects.toMatchObject({ code });
    }
    const [{ n: after } = { n: 0 }] = await deps.db.select({ n: count() }).from(replies);
    expect(after).toBe(before);
  });

  it('enforces roles: anonymous, suspended, other users, moderators', async () => {
    const question = await createTestQuestion(deps, alice);
    const input = { targetType: 'question' as const, targetId: String(question.id), body: 'mine' };
    await expect(callerFor(deps, null).reply.create(input)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(callerFor(deps, suspended).reply.create(input)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const reply = await callerFor(deps, bob).reply.create(input);

    await expect(
      callerFor(deps, carol).reply.update({ id: reply.id, body: 'hijacked' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('author or a moderator'),
    });
    await expect(callerFor(deps, carol).reply.delete({ id: reply.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(deps, null).reply.update({ id: reply.id, body: 'x' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(callerFor(deps, bob).reply.update({ id: reply.id, body: '' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(callerFor(deps, bob).reply.update({ id: '999999999', body: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const [unchanged] = await deps.db
      .select()
      .from(replies)
      .where(eq(replies.id, Number(reply.id)));
    expect(unchanged?.body).toBe('mine');

    const edited = await callerFor(deps, bob).reply.update({ id: reply.id, body: 'mine, *edited*' });
    expect(edited).toMatchObject({ body: 'mine, *edited*', deleted: false });
    expect(edited.bodyHtml).toContain('<em>edited</em>');
    await callerFor(deps, moderator).reaction.set({
      targetType: 'reply',
      targetId: reply.id,
      value: 'dislike',
    });
    const moderated = await callerFor(deps, moderator).reply.update({ id: reply.id, body: 'moderated' });
    expect(moderated).toMatchObject({ body: 'moderated', myReaction: 'dislike', dislikes: 1, score: -1 });
    expect(moderated.author.id).toBe(String(bob.id));
    expect(await callerFor(deps, moderator).reply.delete({ id: reply.id })).toEqual({ ok: true });
    const [gone] = await deps.db
      .select()
      .from(replies)
      .where(eq(replies.id, Number(reply.id)));
    expect(gone?.deletedAt).not.toBeNull();
  });

  it('sanitizes the rendered body', async () => {
    const question = await createTestQuestion(deps, alice);
    const reply = await callerFor(deps, bob).reply.create({
      targetType: 'question',
      targetId: String(question.id),
      body: 'hi <script>alert(1)</script><img src=x onerror=alert(1)>',
    });
    expect(reply.bodyHtml).not.toMatch(/<script|onerror/);
  });
});
