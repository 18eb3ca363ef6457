import { queryRows, questions, searchQuestionsSql } from '@devflow/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';

let deps: TestDeps;
let author: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps({
    rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 100_000, durationSeconds: 60 } },
  });
  author = await createTestUser(deps);
});
afterAll(() => deps.close());

const ask = (title: string, body: string, tags = ['search']) =>
  callerFor(deps, author).question.create({ title, body, tags });

const search = (q: string, limit?: number, cursor?: string | null) =>
  callerFor(deps, null).question.search({ q, limit, cursor });

describe('question.search', () => {
  let titleHit = '';
  let bodyHit = '';
  let deleted = '';

  beforeAll(async () => {
    bodyHit = (
      await ask(
        'Tuning autovacuum settings',
        'Dead tuples pile up. The vacuum daemon runs; vacuum vacuum vacuum again and vacuuming helps.',
      )
    ).id;
    titleHit = (
      await ask('How does VACUUM reclaim disk space?', 'My table keeps growing after many updates.')
    ).id;
    await ask('Unrelated question about React hooks', 'useEffect runs twice in strict mode, why is that?');
    deleted = (await ask('Deleted vacuum question title here', 'This one was removed by its author later.'))
      .id;
    await callerFor(deps, author).question.delete({ id: deleted });
  });

  it('finds questions by words in the title and in the body, with stemming', async () => {
    const byBody = await search('dead tuples');
    expect(byBody.items.map((item) => item.id)).toEqual([bodyHit]);
    const byTitle = await search('reclaiming disk');
    expect(byTitle.items.map((item) => item.id)).toEqual([titleHit]);
    expect(byTitle.items[0]).toMatchObject({
      title: 'How does VACUUM reclaim disk space?',
      tags: ['search'],
    });
  });

  it('ranks title hits above body hits, even when the body repeats the word', async () => {
    const page = await search('vacuum');
    expect(page.items.map((item) => item.id)).toEqual([titleHit, bodyHit]);
  });

  it('never returns deleted questions', async () => {
    const page = await search('removed author');
    expect(page.items).toEqual([]);
  });

  it('supports phrases, or and exclusion in web-search syntax', async () => {
    expect((await search('"disk space"')).items.map((i) => i.id)).toEqual([titleHit]);
    expect((await search('vacuum -disk')).items.map((i) => i.id)).toEqual([bodyHit]);
    const either = (await search('hooks or tuples')).items.map((i) => i.id);
    expect(either).toContain(bodyHit);
    expect(either).toHaveLength(2);
  });

  it.each([
    '"',
    '"unterminated quote',
    'vacuum & disk',
    'vacuum | react',
    '!vacuum',
    'vac:*',
    '(vacuum',
    'vacuum)',
    '()',
    'vacuum <-> disk',
    "'; drop table questions; --",
    '\\',
    'ünïcödé façade naïve',
    '日本語の質問',
    '🔥🚀 emoji',
    '-',
    'or',
    'the and of',
    '%_*',
    'x'.repeat(10_000),
    'vacuum '.repeat(1400),
  ])('answers %j with a page, never an error', async (q) => {
    const page = await search(q.slice(0, 10_000));
    expect(Array.isArray(page.items)).toBe(true);
    expect(page.nextCursor === null || typeof page.nextCursor === 'string').toBe(true);
  });

  it('finds questions written in other scripts and with symbols in the words', async () => {
    const id = (await ask('Ошибка при сборке проекта', 'Сборка падает с ошибкой при запуске тестов.')).id;
    expect((await search('сборке')).items.map((i) => i.id)).toEqual([id]);
  });

  it('treats operator characters as punctuation around real words', async () => {
    expect((await search('vacuum & !disk | (space)')).items.length).toBeGreaterThan(0);
    expect((await search('vacuum:*')).items.map((i) => i.id)).toContain(titleHit);
  });

  it('rejects an empty or blank query and one over 10,000 characters with BAD_REQUEST', async () => {
    await expect(search('')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /type something/ });
    await expect(search('   \n\t ')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(search('x'.repeat(10_001))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(search('vacuum', 1, 'forged')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('pages through ranked results exactly once each while matching rows are inserted', async () => {
    const rows = Array.from({ length: 23 }, (_, i) => ({
      authorId: author.id,
      title: i % 3 === 0 ? `Paging kestrel question ${i}` : `Paging question ${i}`,
      body: `kestrel ${'kestrel '.repeat(i % 5)} body ${i}`,
      bodyHtml: `<p>kestrel body ${i}</p>`,
    }));
    const made = (await deps.db.insert(questions).values(rows).returning({ id: questions.id })).map((r) =>
      String(r.id),
    );
    const seen: string[] = [];
    const titleFlags: boolean[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof search>> = await search('kestrel', 4, cursor);
      seen.push(...page.items.map((item) => item.id));
      titleFlags.push(...page.items.map((item) => item.title.toLowerCase().includes('kestrel')));
      cursor = page.nextCursor;
      await ask('Kestrel inserted while paging', 'A new kestrel question appears between pages.');
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of made) expect(seen).toContain(id);
    // Title matches first: once a body-only hit appears, no title hit follows.
    const firstBodyOnly = titleFlags.indexOf(false);
    expect(titleFlags.slice(firstBodyOnly).includes(true)).toBe(false);
  });

  it('answers the match through the GIN index on the weighted vector', async () => {
    const plan = await deps.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = await queryRows<{ 'QUERY PLAN': string }>(
        tx,
        sql`explain ${searchQuestionsSql({ q: 'vacuum disk', after: [1.5, 10], limit: 21 })}`,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('questions_search_idx');
  });
});
