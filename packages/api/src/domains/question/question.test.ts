import { questions, reactions, revisions, tags } from '@devflow/db';
import type { inferProcedureInput } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import type { AppRouter } from '../../root';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';

type CreateInput = inferProcedureInput<AppRouter['question']['create']>;

let deps: TestDeps;
let author: SessionUser;
let other: SessionUser;
let moderator: SessionUser;
let suspended: SessionUser;
let counter = 0;

const validQuestion = (overrides: Partial<CreateInput> = {}): CreateInput => {
  counter += 1;
  return {
    title: `How do I test question number ${counter}?`,
    body: `I need to know how this works in detail, case ${counter}.`,
    tags: ['testing'],
    ...overrides,
  };
};

beforeAll(async () => {
  deps = await createTestDeps({
    rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 100_000, durationSeconds: 60 } },
  });
  author = await createTestUser(deps);
  other = await createTestUser(deps);
  moderator = await createTestUser(deps, { role: 'moderator' });
  suspended = await createTestUser(deps, { suspendedUntil: new Date(Date.now() + 3_600_000) });
});
afterAll(() => deps.close());

const usage = async (slug: string) => {
  const [row] = await deps.db.select({ n: tags.usageCount }).from(tags).where(eq(tags.slug, slug));
  return row?.n ?? null;
};

describe('question.create', () => {
  it('stores the markdown as written, renders HTML, normalizes tags and records the first revision', async () => {
    const q = await callerFor(deps, author).question.create({
      title: '  How do I parse JSON in TypeScript?  ',
      body: 'I tried **JSON.parse** but the type is `any`.\n\n```ts\nconst x = 1;\n```',
      tags: ['TypeScript', 'json', 'typescript', ' Node.js '],
    });
    expect(q.title).toBe('How do I parse JSON in TypeScript?');
    expect(q.body).toBe('I tried **JSON.parse** but the type is `any`.\n\n```ts\nconst x = 1;\n```');
    expect(q.bodyHtml).toContain('<strong>JSON.parse</strong>');
    expect(q.bodyHtml).toContain('<code class="language-ts">');
    expect(q.tags).toEqual(['json', 'node.js', 'typescript']);
    expect(q.author).toEqual({
      id: String(author.id),
      username: author.username,
      displayName: null,
      avatarUrl: null,
    });
    expect(q).toMatchObject({
      likes: 0,
      dislikes: 0,
      score: 0,
      answerCount: 0,
      viewCount: 0,
      acceptedAnswerId: null,
      myReaction: null,
      deleted: false,
    });
    expect(await usage('typescript')).toBe(1);
    const history = await callerFor(deps, null).question.revisions({ id: q.id });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      title: q.title,
      body: q.body,
      tags: ['json', 'node.js', 'typescript'],
      editor: { id: String(author.id) },
    });
  });

  it('accepts tags like c++, c# and vue-3 and counts each use', async () => {
    const before = await usage('c++');
    const q = await callerFor(deps, author).question.create(validQuestion({ tags: ['C++', 'c#', 'vue-3'] }));
    expect(q.tags).toEqual(['c#', 'c++', 'vue-3']);
    expect(await usage('c++')).toBe((before ?? 0) + 1);
  });

  it('refuses anonymous callers with UNAUTHORIZED and suspended users with FORBIDDEN', async () => {
    const [before] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(questions);
    await expect(callerFor(deps, null).question.create(validQuestion())).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(callerFor(deps, suspended).question.create(validQuestion())).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const [after] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(questions);
    expect(after?.n).toBe(before?.n);
  });

  it.each([
    ['an empty title', { title: '' }],
    ['a short title', { title: 'Too short' }],
    ['a 201-character title', { title: 'x'.repeat(201) }],
    ['a whitespace body', { body: ' '.repeat(40) }],
    ['a 50,001-character body', { body: 'b'.repeat(50_001) }],
    ['no tags', { tags: [] }],
    ['six tags', { tags: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'] }],
    ['a tag with spaces', { tags: ['two words'] }],
    ['a tag starting with a symbol', { tags: ['-dash'] }],
    ['a 36-character tag', { tags: ['t'.repeat(36)] }],
    ['an emoji tag', { tags: ['🔥'] }],
  ])('rejects %s with BAD_REQUEST and stores nothing', async (_name, overrides) => {
    const [before] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(questions);
    await expect(callerFor(deps, author).question.create(validQuestion(overrides))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    const [after] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(questions);
    expect(after?.n).toBe(before?.n);
  });

  it('counts a new tag exactly when several questions create it at once', async () => {
    await Promise.all(
      [author, other, moderator, author].map((user) =>
        callerFor(deps, user).question.create(validQuestion({ tags: ['brand-new', 'testing'] })),
      ),
    );
    expect(await usage('brand-new')).toBe(4);
  });

  it('rejects wrong types with BAD_REQUEST', async () => {
    const caller = callerFor(deps, author);
    await expect(
      caller.question.create({ title: 42, body: null, tags: 'ts' } as unknown as CreateInput),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('markdown sanitizing', () => {
  it('drops scripts, javascript: links and event attributes from stored HTML', async () => {
    const q = await callerFor(deps, author).question.create(
      validQuestion({
        body: [
          'Look <script>alert("x")</script> here.',
          '[click me](javascript:alert(1)) and <a href="javascript:alert(2)">raw</a>',
          '<img src="https://example.com/x.png" onerror="alert(3)">',
          '<p onclick="steal()">para</p>',
        ].join('\n\n'),
      }),
    );
    expect(q.body).toContain('<script>');
    const html = q.bodyHtml.toLowerCase();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('onerror');
    expect(html).not.toContain('onclick');
    expect(html).toContain('<img src="https://example.com/x.png"');
    const answer = await callerFor(deps, other).answer.create({
      questionId: q.id,
      body: 'Try <script>evil()</script> [this](javascript:void(0)) <b onmouseover="x()">now</b>',
    });
    expect(answer.bodyHtml.toLowerCase()).not.toMatch(/<script|javascript:|onmouseover/);
  });
});

describe('question.byId', () => {
  it('returns the question to anyone and counts views of other people, not of the author', async () => {
    const q = await callerFor(deps, author).question.create(validQuestion());
    const seen = await callerFor(deps, null).question.byId({ id: q.id });
    expect(seen.viewCount).toBe(1);
    expect(seen.answers).toEqual([]);
    expect((await callerFor(deps, other).question.byId({ id: q.id })).viewCount).toBe(2);
    expect((await callerFor(deps, author).question.byId({ id: q.id })).viewCount).toBe(2);
  });

  it("shows the caller's own reaction as myReaction", async () => {
    const q = await callerFor(deps, author).question.create(validQuestion());
    await deps.db
      .insert(reactions)
      .values({ userId: other.id, targetType: 'question', targetId: Number(q.id), value: -1 });
    expect((await callerFor(deps, other).question.byId({ id: q.id })).myReaction).toBe('dislike');
    expect((await callerFor(deps, author).question.byId({ id: q.id })).myReaction).toBeNull();
    expect((await callerFor(deps, null).question.byId({ id: q.id })).myReaction).toBeNull();
  });

  it('answers NOT_FOUND for unknown ids and BAD_REQUEST for malformed ones', async () => {
    await expect(callerFor(deps, null).question.byId({ id: '999999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    for (const id of ['abc', '-1', '0', '1.5', '']) {
      await expect(callerFor(deps, null).question.byId({ id })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
    }
  });
});

describe('question.update', () => {
  it('lets the author edit, keeps a revision per change and none for a no-op edit', async () => {
    const caller = callerFor(deps, author);
    const q = await caller.question.create(validQuestion({ tags: ['edit-a', 'edit-b'] }));
    const edited = await caller.question.update({
      id: q.id,
      body: 'A clearer body with *emphasis* and more detail.',
      tags: ['edit-b', 'edit-c'],
    });
    expect(edited.title).toBe(q.title);
    expect(edited.bodyHtml).toContain('<em>emphasis</em>');
    expect(edited.tags).toEqual(['edit-b', 'edit-c']);
    expect(Date.parse(edited.lastActivityAt)).toBeGreaterThanOrEqual(Date.parse(q.lastActivityAt));
    expect(await usage('edit-a')).toBe(0);
    expect(await usage('edit-b')).toBe(1);
    expect(await usage('edit-c')).toBe(1);

    await caller.question.update({ id: q.id, title: edited.title, tags: ['EDIT-C', 'edit-b'] });
    const history = await caller.question.revisions({ id: q.id });
    expect(history.map((r) => r.tags)).toEqual([
      ['edit-b', 'edit-c'],
      ['edit-a', 'edit-b'],
    ]);
    expect(history[0]?.body).toBe('A clearer body with *emphasis* and more detail.');
  });

  it('lets a moderator edit anyone, recording the moderator as editor', async () => {
    const q = await callerFor(deps, author).question.create(validQuestion());
    await callerFor(deps, moderator).question.update({ id: q.id, title: 'A title fixed by a moderator' });
    const [latest] = await callerFor(deps, null).question.revisions({ id: q.id });
    expect(latest?.editor.username).toBe(moderator.username);
    expect(latest?.title).toBe('A title fixed by a moderator');
  });

  it('refuses other users (FORBIDDEN), suspended users (FORBIDDEN) and anonymous callers', async () => {
    const q = await callerFor(deps, author).question.create(validQuestion());
    await expect(
      callerFor(deps, other).question.update({ id: q.id, title: 'Hijacked title here' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      callerFor(deps, suspended).question.update({ id: q.id, title: 'Hijacked title here' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      callerFor(deps, null).question.update({ id: q.id, title: 'Hijacked title here' }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(callerFor(deps, author).question.update({ id: q.id, title: 'short' })).rejects.toMatchObject(
      {
        code: 'BAD_REQUEST',
      },
    );
    await expect(
      callerFor(deps, author).question.update({ id: '99999999', title: 'A valid new title' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const unchanged = await callerFor(deps, null).question.byId({ id: q.id });
    expect(unchanged.title).toBe(q.title);
    expect(await callerFor(deps, null).question.revisions({ id: q.id })).toHaveLength(1);
  });
});

describe('question.delete and question.restore', () => {
  it('hides a deleted question from everyone but moderators and keeps counts exact', async () => {
    const caller = callerFor(deps, author);
    const q = await caller.question.create(validQuestion({ tags: ['vanishing'] }));
    expect(await usage('vanishing')).toBe(1);
    await expect(callerFor(deps, other).question.delete({ id: q.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(deps, suspended).question.delete({ id: q.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(deps, null).question.delete({ id: q.id })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(await caller.question.delete({ id: q.id })).toEqual({ ok: true });
    expect(await usage('vanishing')).toBe(0);

    await expect(callerFor(deps, other).question.byId({ id: q.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(caller.question.byId({ id: q.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller.question.revisions({ id: q.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller.question.delete({ id: q.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const list = await callerFor(deps, null).question.list({ sort: 'newest', tag: 'vanishing' });
    expect(list.items).toEqual([]);
    expect((await callerFor(deps, moderator).question.byId({ id: q.id })).deleted).toBe(true);

    const deletedList = await callerFor(deps, moderator).question.list({ sort: 'newest', deleted: true });
    expect(deletedList.items.map((item) => item.id)).toContain(q.id);
    await expect(
      callerFor(deps, author).question.list({ sort: 'newest', deleted: true }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      callerFor(deps, null).question.list({ sort: 'newest', deleted: true }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });

    await expect(caller.question.restore({ id: q.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerFor(deps, moderator).question.delete({ id: '99999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(callerFor(deps, moderator).question.restore({ id: '99999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const restored = await callerFor(deps, moderator).question.restore({ id: q.id });
    expect(restored.deleted).toBe(false);
    expect(await usage('vanishing')).toBe(1);
    await callerFor(deps, moderator).question.restore({ id: q.id });
    expect(await usage('vanishing')).toBe(1);
    expect((await callerFor(deps, other).question.byId({ id: q.id })).id).toBe(q.id);
  });

  it('lets a moderator delete anyone’s question', async () => {
    const q = await callerFor(deps, author).question.create(validQuestion());
    expect(await callerFor(deps, moderator).question.delete({ id: q.id })).toEqual({ ok: true });
    await expect(callerFor(deps, null).question.byId({ id: q.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('tag.list and tag.popular', () => {
  it('lists tags by prefix and the most used ones with live usage counts', async () => {
    const caller = callerFor(deps, other);
    await caller.question.create(validQuestion({ tags: ['zeta-one', 'zeta-two'] }));
    await caller.question.create(validQuestion({ tags: ['zeta-one'] }));
    const doomed = await caller.question.create(validQuestion({ tags: ['zeta-two', 'zeta-three'] }));
    await caller.question.delete({ id: doomed.id });
    expect(await callerFor(deps, null).tag.list({ q: 'ZETA' })).toEqual([
      { slug: 'zeta-one', usageCount: 2 },
      { slug: 'zeta-three', usageCount: 0 },
      { slug: 'zeta-two', usageCount: 1 },
    ]);
    expect(await callerFor(deps, null).tag.popular({ q: 'zeta', limit: 5 })).toEqual([
      { slug: 'zeta-one', usageCount: 2 },
      { slug: 'zeta-two', usageCount: 1 },
    ]);
    expect(await callerFor(deps, null).tag.list({ q: '%' })).toEqual([]);
    await expect(callerFor(deps, null).tag.popular({ limit: 0 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('revisions table', () => {
  it('keeps a full snapshot per version', async () => {
    const q = await callerFor(deps, author).question.create(validQuestion());
    await callerFor(deps, author).question.update({ id: q.id, title: 'Second version of the title' });
    const rows = await deps.db
      .select()
      .from(revisions)
      .where(eq(revisions.targetId, Number(q.id)));
    expect(rows.filter((row) => row.targetType === 'question')).toHaveLength(2);
  });
});
