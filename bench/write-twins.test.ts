/**
 * The bench's bare twins of `reaction.set` and `answer.create` (bench/write-twins.ts) do what the
 * procedures do: given equivalent inputs on equivalent posts they send the same statements in the same
 * order, answer the same JSON (ids mapped), leave the same rows and bump the same cache counters. Runs on
 * PGlite, or on PostgreSQL through postgres.js (as the baseline server does) when `DATABASE_URL` is set.
 */
import { createJobQueue, registerApiJobs, silentLogger } from '@devflow/api';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '@devflow/api/testing';
import { queryRows } from '@devflow/db';
import { QueryCounter } from '@devflow/db/testing';
import { type SQL, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunValues } from './queries';
import {
  postgresTwinDatabase,
  registerWriteTwinRoutes,
  setReactionTwin,
  type TwinDatabase,
  type WriteTwinDeps,
} from './write-twins';

let deps: TestDeps;
const statements = new QueryCounter();
const sent: string[] = [];
const published: string[] = [];
let twin: WriteTwinDeps;
let closeTwin = async () => {};

/** `db` with every statement it sends recorded in `sent`. */
function recorded(db: TwinDatabase): TwinDatabase {
  const record =
    (run: RunValues): RunValues =>
    (text, params) => {
      sent.push(text);
      return run(text, params);
    };
  return { run: record(db.run), transaction: (work) => db.transaction((run) => work(record(run))) };
}

beforeAll(async () => {
  const opened = await createTestDeps({}, { logger: statements });
  // A queue that only enqueues: a mail job running in the background would send statements in the
  // middle of the ones measured.
  await opened.jobs.stop(2000);
  const jobs = createJobQueue({ dbHandle: opened.dbHandle, log: silentLogger, workers: false });
  deps = {
    ...opened,
    jobs,
    close: async () => {
      await jobs.stop(2000);
      await opened.close();
    },
  };
  registerApiJobs(deps);
  await jobs.start();
  const publish = async (message: string) => {
    published.push(message);
  };
  const pglite = deps.dbHandle.pglite;
  if (pglite) {
    const on =
      (client: Pick<typeof pglite, 'query'>): RunValues =>
      async (text, params) =>
        (await client.query<unknown[]>(text, [...params], { rowMode: 'array', parsers: { 20: Number } }))
          .rows;
    const db = {
      run: on(pglite),
      transaction: <T>(work: (run: RunValues) => Promise<T>) => pglite.transaction((tx) => work(on(tx))),
    };
    twin = { db: recorded(db), cache: deps.cache, publish };
    return;
  }
  // PostgreSQL: a postgres.js client on this file's private database, configured like the bench server's.
  const [row] = await queryRows<{ name: string }>(deps.db, sql`select current_database() as name`);
  const url = new URL(process.env.DATABASE_URL ?? '');
  url.pathname = `/${row?.name ?? ''}`;
  const client = postgres(url.toString(), {
    max: 2,
    onnotice: () => {},
    types: { int8: { to: 20, from: [20], serialize: String, parse: Number } },
  });
  twin = { db: recorded(postgresTwinDatabase(client)), cache: deps.cache, publish };
  closeTwin = () => client.end({ timeout: 5 });
});

afterAll(async () => {
  await closeTwin();
  await deps.close();
});

/** Rows of a query on the test database. */
function rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]> {
  return queryRows<T>(deps.db, query);
}

/** The cache's version counters (absent: 0). */
async function versions(keys: string[]): Promise<number[]> {
  return (await deps.cache.getMany(keys)).map((value) => Number(value ?? 0));
}

/** The counter keys a write on question `q` (author `author`, tag `sql`) by `voter` may bump. */
const keysOf = (q: number, author: number, voter: number) => [
  `v:q:${q}`,
  'v:l:_',
  'v:l:tag:sql',
  `v:u:${author}`,
  `v:u:${voter}`,
];

/** How much each counter moved while `write` ran. */
async function bumps(keys: string[], write: () => Promise<unknown>): Promise<number[]> {
  const before = await versions(keys);
  await write();
  const after = await versions(keys);
  return after.map((value, i) => value - (before[i] ?? 0));
}

/** A post's state: counters, reactions, and its author's badges and notifications. */
async function postState(table: 'questions' | 'answers', id: number, authorId: number) {
  const [counters] = await rows(sql`select likes, dislikes, score from ${sql.raw(table)} where id = ${id}`);
  const reactions = await rows(
    sql`select value from reactions where target_id = ${id} and target_type = ${table === 'questions' ? 'question' : 'answer'} order by user_id`,
  );
  const badges = await rows(sql`select badge from badges where user_id = ${authorId} order by badge`);
  const notes = await rows(
    sql`select type, badge from notifications where user_id = ${authorId} order by id`,
  );
  const events = await rows<{ type: string; payload: unknown }>(
    sql`select type, payload from live_events where channel in (${`u:${authorId}`}) order by seq`,
  );
  return { counters, reactions, badges, notes, events: events.map((event) => event.type) };
}

/** The `reaction.changed` events of question `q`, the target id left out. */
async function reactionEvents(q: number) {
  const events = await rows<{ seq: number; payload: { counts: Record<string, unknown> } }>(
    sql`select seq, payload from live_events where channel = ${`q:${q}`} and type = 'reaction.changed' order by seq`,
  );
  return events.map(({ payload }) => ({ ...payload.counts, targetId: 'mapped' }));
}

describe('bench twin of reaction.set', () => {
  it('sends the procedure’s statements, answers its JSON and leaves the same rows and cache bumps', async () => {
    const [authorA, authorB, answererA, answererB] = await Promise.all(
      Array.from({ length: 4 }, () => createTestUser(deps)),
    );
    const voters = await Promise.all(Array.from({ length: 11 }, () => createTestUser(deps)));
    if (!authorA || !authorB || !answererA || !answererB) throw new Error('no users');
    const ask = (author: typeof authorA) =>
      callerFor(deps, author).question.create({
        title: 'How do I tune this query in PostgreSQL?',
        body: 'A body that is long enough for the rules.',
        tags: ['sql'],
      });
    const [qA, qB] = [await ask(authorA), await ask(authorB)];
    const aA = await callerFor(deps, answererA).answer.create({
      questionId: qA.id,
      body: 'An answer, long enough.',
    });
    const aB = await callerFor(deps, answererB).answer.create({
      questionId: qB.id,
      body: 'An answer, long enough.',
    });

    type Value = 'like' | 'dislike' | null;
    const steps: { voter: number; type: 'question' | 'answer'; value: Value }[] = [
      { voter: 0, type: 'question', value: 'like' },
      { voter: 0, type: 'question', value: 'dislike' },
      { voter: 0, type: 'question', value: null },
      { voter: 0, type: 'question', value: null },
      { voter: 0, type: 'question', value: 'like' },
      { voter: 0, type: 'question', value: 'like' },
      { voter: 0, type: 'answer', value: 'dislike' },
      { voter: 0, type: 'answer', value: 'like' },
      // Ten likes: `popular-post` and `reputation-100` (10 × 10 points) for the question's author.
      ...Array.from({ length: 10 }, (_, i) => ({
        voter: i + 1,
        type: 'question' as const,
        value: 'like' as const,
      })),
    ];
    for (const step of steps) {
      const voter = voters[step.voter];
      if (!voter) throw new Error('no voter');
      const [viaProcedure, viaTwin] = step.type === 'question' ? [qA, qB] : [aA, aB];
      const [authorOf, authorOfTwin] = step.type === 'question' ? [authorA, authorB] : [answererA, answererB];
      const input = { targetType: step.type, value: step.value };
      let expected: unknown;
      let procedureSent: string[] = [];
      const procedureBumps = await bumps(keysOf(Number(qA.id), authorOf.id, voter.id), async () => {
        const measured = await statements.measure(() =>
          callerFor(deps, voter).reaction.set({ ...input, targetId: viaProcedure.id }),
        );
        expected = measured.result;
        procedureSent = measured.statements;
      });
      sent.length = 0;
      let actual: unknown;
      const twinBumps = await bumps(keysOf(Number(qB.id), authorOfTwin.id, voter.id), async () => {
        actual = await setReactionTwin(twin, voter.id, { ...input, targetId: Number(viaTwin.id) });
      });
      expect(actual, JSON.stringify(step)).toEqual(expected);
      expect(sent, JSON.stringify(step)).toEqual(procedureSent);
      expect(twinBumps, JSON.stringify(step)).toEqual(procedureBumps);
    }

    const questionState = await postState('questions', Number(qA.id), authorA.id);
    expect(questionState.badges).toEqual([
      { badge: 'first-question' },
      { badge: 'popular-post' },
      { badge: 'reputation-100' },
    ]);
    expect(await postState('questions', Number(qB.id), authorB.id)).toEqual(questionState);
    expect(await postState('answers', Number(aB.id), answererB.id)).toEqual(
      await postState('answers', Number(aA.id), answererA.id),
    );
    expect(await reactionEvents(Number(qB.id))).toEqual(await reactionEvents(Number(qA.id)));
    // What was published is what the twin's transactions wrote on the question's channel, in order.
    const written = await rows<{ seq: number }>(
      sql`select seq::int as seq from live_events where channel = ${`q:${qB.id}`} and type = 'reaction.changed' order by seq`,
    );
    const publishedRows = published.flatMap((message) => {
      const parsed: unknown = JSON.parse(message);
      return Array.isArray(parsed) ? parsed : [];
    });
    expect(publishedRows).toEqual(
      written.map(({ seq }) =>
        expect.objectContaining({ channel: `q:${qB.id}`, seq: Number(seq), type: 'reaction.changed' }),
      ),
    );
  });

  it('answers over HTTP in tRPC’s envelope, with the procedure’s refusals', async () => {
    const app = new Hono();
    registerWriteTwinRoutes(app, twin);
    const [author, voter] = [await createTestUser(deps), await createTestUser(deps)];
    const question = await callerFor(deps, author).question.create({
      title: 'How do I tune this other query in PostgreSQL?',
      body: 'A body that is long enough for the rules.',
      tags: ['sql'],
    });
    const call = (userId: number, body: unknown) =>
      app.request('/bare/reaction.set', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user-id': String(userId) },
        body: JSON.stringify(body),
      });
    const like = { targetType: 'question' as const, targetId: question.id, value: 'like' as const };
    const liked = await call(voter.id, like);
    expect(liked.status).toBe(200);
    expect(await liked.json()).toEqual({
      result: { data: { likes: 1, dislikes: 0, score: 1, mine: 'like' } },
    });
    await expect(callerFor(deps, author).reaction.set(like)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await call(author.id, like)).status).toBe(403);
    expect((await call(voter.id, { ...like, targetId: '987654321' })).status).toBe(404);
    expect((await call(voter.id, { ...like, value: 'love' })).status).toBe(400);
  });
});
