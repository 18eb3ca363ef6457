import { queryRows, questions, questionTags, tags } from '@devflow/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterInputs } from '../../root';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';
import { type ListQuestionsParams, listQuestionsQuery } from './service';

type ListInput = RouterInputs['question']['list'];
type Sort = ListQuestionsParams['sort'];

let deps: TestDeps;
let alice: SessionUser;
let bob: SessionUser;
let moderator: SessionUser;
let taggedId = 0;
let inserted = 0;

const base = Date.parse('2026-01-01T00:00:00.000Z');

/** Bulk-inserts questions through SQL (fast), with repeated timestamps and scores to exercise ties. */
async function seed(count: number, author: SessionUser, start: number) {
  const rows = Array.from({ length: count }, (_, i) => {
    const n = start + i;
    const at = new Date(base + Math.floor(n / 3) * 60_000);
    return {
      authorId: author.id,
      title: `Seeded question ${n} about pagination`,
      body: `Body of seeded question ${n}.`,
      bodyHtml: `<p>Body of seeded question ${n}.</p>`,
      createdAt: at,
      lastActivityAt: new Date(base + ((n * 7) % 13) * 3_600_000),
      score: n % 4,
      answerCount: n % 3 === 0 ? 0 : 1,
    };
  });
  const made = await deps.db.insert(questions).values(rows).returning({ id: questions.id });
  const tagged = made.filter((_, i) => i % 2 === 0).map((row) => ({ questionId: row.id, tagId: taggedId }));
  if (tagged.length > 0) await deps.db.insert(questionTags).values(tagged);
  return made.map((row) => String(row.id));
}

/** Inserts a new question "now" (and with a high score) while a reader is between pages. */
async function insertDuring(author: SessionUser) {
  inserted += 1;
  const [row] = await deps.db
    .insert(questions)
    .values({
      authorId: author.id,
      title: `Question inserted while paging ${inserted}`,
      body: 'Inserted between two page fetches.',
      bodyHtml: '<p>Inserted between two page fetches.</p>',
      score: inserted % 2 === 0 ? 100 : -100,
      lastActivityAt: new Date(),
    })
    .returning({ id: questions.id });
  if (!row) throw new Error('insert returned no row');
  await deps.db.insert(questionTags).values({ questionId: row.id, tagId: taggedId });
}

/** Reads every page of a listing, inserting new questions between page fetches. */
async function readAll(input: Omit<ListInput, 'cursor' | 'limit'>, limit: number) {
  const ids: string[] = [];
  const pages: { score: number; createdAt: string; lastActivityAt: string; answerCount: number }[][] = [];
  let cursor: string | null = null;
  do {
    const page: {
      items: { id: string; score: number; createdAt: string; lastActivityAt: string; answerCount: number }[];
      nextCursor: string | null;
    } = await callerFor(deps, null).question.list({ ...input, cursor, limit });
    ids.push(...page.items.map((item) => item.id));
    pages.push(page.items);
    cursor = page.nextCursor;
    await insertDuring(alice);
  } while (cursor);
  return { ids, items: pages.flat() };
}

beforeAll(async () => {
  deps = await createTestDeps();
  alice = await createTestUser(deps);
  bob = await createTestUser(deps);
  moderator = await createTestUser(deps, { role: 'moderator' });
  const [tag] = await deps.db.insert(tags).values({ slug: 'paged' }).returning({ id: tags.id });
  if (!tag) throw new Error('no tag');
  taggedId = tag.id;
});
afterAll(() => deps.close());

describe('question.list keyset pagination', () => {
  let aliceIds: string[] = [];
  let bobIds: string[] = [];
  let existing: { id: string; answerCount: number; tagged: boolean; author: number }[] = [];

  beforeAll(async () => {
    aliceIds = await seed(30, alice, 0);
    bobIds = await seed(17, bob, 30);
    existing = [
      ...aliceIds.map((id, i) => ({
        id,
        answerCount: i % 3 === 0 ? 0 : 1,
        tagged: i % 2 === 0,
        author: alice.id,
      })),
      ...bobIds.map((id, i) => ({
        id,
        answerCount: (30 + i) % 3 === 0 ? 0 : 1,
        tagged: i % 2 === 0,
        author: bob.id,
      })),
    ];
  });

  const orderedBy: Record<Sort, (a: { score: number; createdAt: string; lastActivityAt: string }) => number> =
    {
      newest: (a) => Date.parse(a.createdAt),
      unanswered: (a) => Date.parse(a.createdAt),
      active: (a) => Date.parse(a.lastActivityAt),
      top: (a) => a.score,
    };

  it.each(['newest', 'top', 'unanswered', 'active'] as const)(
    'returns every existing row exactly once, in %s order, while rows are inserted between pages',
    async (sort) => {
      const { ids, items } = await readAll({ sort }, 6);
      expect(new Set(ids).size).toBe(ids.length);
      const expected = existing.filter((q) => sort !== 'unanswered' || q.answerCount === 0).map((q) => q.id);
      for (const id of expected) expect(ids).toContain(id);
      const keys = items.map(orderedBy[sort]);
      for (let i = 1; i < keys.length; i++)
        expect(keys[i]).toBeLessThanOrEqual(keys[i - 1] ?? Number.POSITIVE_INFINITY);
      if (sort === 'unanswered') expect(items.every((item) => item.answerCount === 0)).toBe(true);
    },
  );

  it('filters by tag and by author, still paging every row exactly once', async () => {
    const byTag = await readAll({ sort: 'newest', tag: 'PAGED' }, 5);
    expect(new Set(byTag.ids).size).toBe(byTag.ids.length);
    for (const q of existing) {
      if (q.tagged) expect(byTag.ids).toContain(q.id);
      else expect(byTag.ids).not.toContain(q.id);
    }
    const byBob = await readAll({ sort: 'top', authorId: String(bob.id) }, 4);
    expect([...byBob.ids].sort()).toEqual([...bobIds].sort());
    const none = await callerFor(deps, null).question.list({ sort: 'newest', tag: 'no-such-tag' });
    expect(none).toEqual({ items: [], nextCursor: null });
  });

  it('rejects forged cursors, bad sorts and limits with BAD_REQUEST', async () => {
    const caller = callerFor(deps, null);
    await expect(caller.question.list({ sort: 'newest', cursor: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    const topPage = await caller.question.list({ sort: 'top', limit: 2 });
    await expect(
      caller.question.list({ sort: 'newest', cursor: topPage.nextCursor ?? 'x' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.question.list({ sort: 'hot' as 'top' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(caller.question.list({ sort: 'newest', limit: 101 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(caller.question.list({ sort: 'newest', authorId: 'me' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('shows summaries with a plain-text excerpt and tags', async () => {
    const q = await callerFor(deps, bob).question.create({
      title: 'Summaries should carry a plain excerpt',
      body: `# Heading\n\nSome **bold** text & <b>markup</b> ${'word '.repeat(100)}`,
      tags: ['excerpts'],
    });
    const page = await callerFor(deps, moderator).question.list({ sort: 'newest', tag: 'excerpts' });
    expect(page.items).toHaveLength(1);
    const [item] = page.items;
    expect(item).toMatchObject({ id: q.id, tags: ['excerpts'], answerCount: 0, hasAcceptedAnswer: false });
    expect(item?.excerpt.startsWith('Heading Some bold text & markup word')).toBe(true);
    expect(item?.excerpt).not.toMatch(/[<>*#]/);
    expect(item?.excerpt.length).toBeLessThanOrEqual(201);
    expect(item?.excerpt.endsWith('…')).toBe(true);
  });
});

describe('question.list query plans', () => {
  /** The plan of the exact list query, with sequential scans and sorts priced out. */
  async function planOf(params: ListQuestionsParams): Promise<string> {
    const { query } = listQuestionsQuery(deps.db, params);
    return deps.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      await tx.execute(sql`set local enable_sort = off`);
      const rows = await queryRows<{ 'QUERY PLAN': string }>(tx, sql`explain ${query}`);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
  }

  it.each([
    ['newest', 'questions_created_idx'],
    ['top', 'questions_score_idx'],
    ['unanswered', 'questions_unanswered_idx'],
    ['active', 'questions_activity_idx'],
  ] as const)('walks an index in %s order (%s) without sorting', async (sort, index) => {
    const plan = await planOf({ sort, deleted: false, limit: 20 });
    expect(plan).toContain(index);
    expect(plan).not.toMatch(/\bSort\b/);
  });

  it('reads an author’s questions through questions_author_idx', async () => {
    const plan = await planOf({ sort: 'newest', deleted: false, limit: 20, authorId: alice.id });
    expect(plan).toContain('questions_author_idx');
  });
});
