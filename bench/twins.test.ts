/**
 * The bench's bare twins of `question.byId`, `question.list` (bench/queries.ts), `question.search`
 * (bench/queries-search.ts), `user.byUsername` (bench/queries-user.ts) and `feed.list`
 * (bench/queries-feed.ts) answer exactly what the procedures answer — otherwise the bench would compare
 * different work — and send the very statements the services send. Runs on PGlite, or on PostgreSQL through postgres.js (as the baseline server does)
 * when `DATABASE_URL` is set.
 */
import { byUsernameInput, searchQuestionsInput } from '@devflow/api';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '@devflow/api/testing';
import { queryRows } from '@devflow/db';
import { QueryCounter } from '@devflow/db/testing';
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listAfter,
  listFirst,
  listFromOffset,
  questionPage,
  questionRow,
  type RunRows,
  type RunValues,
} from './queries';
import { feedFirst } from './queries-feed';
import { searchFirst } from './queries-search';
import { profileByName } from './queries-user';
import { clientOnTestDatabase } from './test-database';

let deps: TestDeps;
const statements = new QueryCounter();
let run: RunValues;
let runRows: RunRows;
const sent: string[] = [];
let closeRun = async () => {};

beforeAll(async () => {
  deps = await createTestDeps({}, { logger: statements });
  const pglite = deps.dbHandle.pglite;
  if (pglite) {
    run = async (text, params) => {
      sent.push(text);
      const result = await pglite.query<unknown[]>(text, [...params], {
        rowMode: 'array',
        parsers: { 20: Number },
      });
      return result.rows;
    };
    runRows = async <T extends object>(text: string, params: readonly unknown[]) => {
      sent.push(text);
      return (await pglite.query<T>(text, [...params], { parsers: { 20: Number } })).rows;
    };
    return;
  }
  // PostgreSQL: a postgres.js client on this file's private database, configured like the bench server's.
  const client = await clientOnTestDatabase(deps.db, true);
  run = (text, params) => {
    sent.push(text);
    return client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }).values();
  };
  runRows = (text, params) => {
    sent.push(text);
    return client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true });
  };
  closeRun = () => client.end({ timeout: 5 });
});

afterAll(async () => {
  await closeRun();
  await deps.close();
});

describe('bench twins of question.byId and question.list', () => {
  it('answer the procedures’ JSON with the statements the services send', async () => {
    const asker = await createTestUser(deps);
    const helper = await createTestUser(deps);
    const other = await createTestUser(deps);
    const asCaller = callerFor(deps, asker);
    const ids: string[] = [];
    for (let n = 0; n < 23; n += 1) {
      const created = await asCaller.question.create({
        title: `How do I tune query number ${n} in PostgreSQL?`,
        body: `Body **${n}** with <em>markup</em> & an [link](https://example.com) long enough.`,
        tags: n % 2 === 0 ? ['postgres', 'index'] : ['sql'],
      });
      ids.push(created.id);
    }
    const questionId = ids.at(-1) ?? '';
    const first = await callerFor(deps, helper).answer.create({
      questionId,
      body: 'First answer, long enough.',
    });
    await callerFor(deps, other).answer.create({ questionId, body: 'Second answer, long enough too.' });
    await asCaller.answer.accept({ answerId: first.id });
    await callerFor(deps, other).reaction.set({ targetType: 'answer', targetId: first.id, value: 'like' });

    // question.byId: the procedure first (it counts the anonymous view), then the twin reads the same row.
    const { result: expected, statements: byIdSent } = await statements.measure(() =>
      callerFor(deps, null).question.byId({ id: questionId }),
    );
    sent.length = 0;
    const row = await questionRow(run, Number(questionId));
    expect(row?.live).toBe(true);
    if (!row) return;
    expect(await questionPage(run, row)).toEqual(expected);
    expect(sent.length).toBe(3);
    expect(byIdSent).toEqual(expect.arrayContaining(sent));

    // question.list with no input: page 1, newest, default limit — its nextCursor too.
    const { result: page1, statements: firstSent } = await statements.measure(() =>
      callerFor(deps, null).question.list({}),
    );
    sent.length = 0;
    expect(JSON.parse(JSON.stringify(await listFirst(run)))).toEqual(JSON.parse(JSON.stringify(page1)));
    expect(page1.items).toHaveLength(20);
    expect(sent.length).toBe(2);
    expect(firstSent).toEqual(sent);

    // question.list, newest: page 2 by cursor = the keyset twin after page 1's last row = OFFSET 20.
    if (!page1.nextCursor) throw new Error('expected a second page');
    const { result: page2, statements: listSent } = await statements.measure(() =>
      callerFor(deps, null).question.list({ sort: 'newest', limit: 20, cursor: page1.nextCursor ?? '' }),
    );
    const [last] = await queryRows<{ at: string }>(
      deps.db,
      sql`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
          from questions where id = ${Number(page1.items.at(-1)?.id)}`,
    );
    sent.length = 0;
    expect(await listAfter(run, last?.at ?? '', Number(page1.items.at(-1)?.id))).toEqual(page2.items);
    expect(sent.length).toBe(2);
    expect(listSent).toEqual(expect.arrayContaining(sent));
    expect(await listFromOffset(run, 20)).toEqual(page2.items);
    expect(page2.items).toHaveLength(3);
  });

  it('find a hidden or deleted question not live, as the procedure finds it not found', async () => {
    const asker = await createTestUser(deps);
    const created = await callerFor(deps, asker).question.create({
      title: 'A question that will be deleted soon',
      body: 'A body that is long enough for the rules.',
      tags: ['sql'],
    });
    await callerFor(deps, asker).question.delete({ id: created.id });
    await expect(callerFor(deps, null).question.byId({ id: created.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await questionRow(run, Number(created.id)))?.live).toBe(false);
    expect(await questionRow(run, 987_654_321)).toBeUndefined();
  });

  it('answer question.search’s first page, its cursor and its statements', async () => {
    const asker = await createTestUser(deps);
    for (let n = 0; n < 22; n += 1) {
      await callerFor(deps, asker).question.create({
        title: n % 3 === 0 ? `Kayak rolling drill ${n}` : `Paddle question ${n} without the word`,
        body: `About kayaks and kayak rolling, take ${n}: a body long enough for the rules.`,
        tags: ['sql'],
      });
    }
    /** Asks the procedure (anonymous) and the twin the same; both must answer alike with the same statements. */
    const expectSame = async (q: string, statementCount: number) => {
      const { result: expected, statements: searchSent } = await statements.measure(() =>
        callerFor(deps, null).question.search({ q }),
      );
      sent.length = 0;
      const twin = await searchFirst(run, runRows, searchQuestionsInput.parse({ q }));
      expect(JSON.parse(JSON.stringify(twin))).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(sent).toHaveLength(statementCount);
      expect(searchSent).toEqual(sent);
      return expected;
    };
    const many = await expectSame('  kayak rolling ', 3);
    expect(many.items).toHaveLength(20);
    expect(many.nextCursor).not.toBeNull();
    expect((await expectSame('kayak drill', 3)).items).toHaveLength(8);
    expect(await expectSame('zebra', 1)).toEqual({ items: [], nextCursor: null });
    expect(searchQuestionsInput.safeParse({ q: '   ' }).success).toBe(false);
    await expect(callerFor(deps, null).question.search({ q: '   ' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('answer user.byUsername’s profile under either preset, with the statements the service sends', async () => {
    const author = await createTestUser(deps, { username: `Profiled_${Date.now().toString(36)}` });
    const fan = await createTestUser(deps);
    const admin = await createTestUser(deps, { role: 'admin' });
    const asked = await callerFor(deps, author).question.create({
      title: 'How do profiles count their posts?',
      body: 'A body that is long enough for the rules, about profiles.',
      tags: ['sql'],
    });
    const other = await callerFor(deps, fan).question.create({
      title: 'A question by the fan, to be answered',
      body: 'A body that is long enough for the rules, by the fan.',
      tags: ['sql'],
    });
    const answer = await callerFor(deps, author).answer.create({
      questionId: other.id,
      body: 'An answer by the author, long enough.',
    });
    await callerFor(deps, fan).answer.accept({ answerId: answer.id });
    await callerFor(deps, fan).reaction.set({ targetType: 'question', targetId: asked.id, value: 'like' });
    await callerFor(deps, fan).reaction.set({ targetType: 'answer', targetId: answer.id, value: 'like' });
    await callerFor(deps, fan).follow.follow({ userId: String(author.id) });

    /** Asks the procedure (anonymous) and the twin for `username`; both must answer alike with the same statements. */
    const expectSame = async (username: string) => {
      const { result: expected, statements: profileSent } = await statements.measure(() =>
        callerFor(deps, null).user.byUsername({ username }),
      );
      sent.length = 0;
      const twin = await profileByName(run, runRows, byUsernameInput.parse({ username }).username);
      expect(JSON.parse(JSON.stringify(twin))).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(sent).toHaveLength(5);
      expect(profileSent).toEqual(sent);
      return expected;
    };
    const team = await expectSame(author.username);
    expect(team).toMatchObject({ followers: 1, questions: 1, answers: 1 });
    expect(team.reputation).toBeGreaterThan(0);
    expect(team.badges.length).toBeGreaterThan(0);
    // The community preset reads the reputation through its own statement.
    await callerFor(deps, admin).admin.settings.set({ privilegePreset: 'community' });
    const community = await expectSame(` ${author.username.toUpperCase()} `);
    expect(community.reputation).not.toBe(team.reputation);
    await callerFor(deps, admin).admin.settings.set({ privilegePreset: 'team' });

    await expect(
      callerFor(deps, null).user.byUsername({ username: 'nobody_by_this_name' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    sent.length = 0;
    expect(await profileByName(run, runRows, 'nobody_by_this_name')).toBeUndefined();
    expect(sent).toHaveLength(1);
  });

  it('answer feed.list’s first page and its cursor with the statement the service sends', async () => {
    const reader = await createTestUser(deps);
    const followed = await createTestUser(deps);
    const stranger = await createTestUser(deps);
    const asReader = callerFor(deps, reader);
    /** Asks the procedure (as the reader) and the twin; both must answer alike with the same statement. */
    const expectSame = async () => {
      const { result: expected, statements: feedSent } = await statements.measure(() =>
        asReader.feed.list({}),
      );
      sent.length = 0;
      const twin = await feedFirst(runRows, reader.id);
      expect(JSON.parse(JSON.stringify(twin))).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(sent).toHaveLength(1);
      expect(feedSent).toEqual(sent);
      return expected;
    };
    expect(await expectSame()).toEqual({ items: [], nextCursor: null });

    // Every source: a followed author's questions and answers, then a watched question, a watched tag.
    await asReader.follow.follow({ userId: String(followed.id) });
    for (let n = 0; n < 10; n += 1) {
      const asked = await callerFor(deps, followed).question.create({
        title: `The followed author asks question ${n}`,
        body: `A body that is long enough for the rules, number ${n}.`,
        tags: ['sql'],
      });
      await callerFor(deps, followed).answer.create({
        questionId: asked.id,
        body: `The followed author answers ${n}, long enough.`,
      });
    }
    const mine = await asReader.question.create({
      title: 'The reader asks a question of their own',
      body: 'A body that is long enough for the rules, by the reader.',
      tags: ['sql'],
    });
    await callerFor(deps, stranger).answer.create({
      questionId: mine.id,
      body: 'A stranger answers, long enough.',
    });
    await callerFor(deps, stranger).question.create({
      title: 'A stranger asks in a watched tag',
      body: 'A body that is long enough for the rules, in the tag.',
      tags: ['feedtag'],
    });
    await asReader.watch.tag({ tag: 'feedtag' });
    const page = await expectSame();
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
    const byStranger = page.items.filter((item) => item.author.id === String(stranger.id));
    expect(byStranger.map((item) => item.type).sort()).toEqual(['answer', 'question']);
  });
});
