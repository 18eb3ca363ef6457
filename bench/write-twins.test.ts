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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunValues } from './queries';
import { clientOnTestDatabase } from './test-database';
import {
  type AnswerTwinDeps,
  createAnswerTwin,
  openBareJobQueue,
  postgresTwinDatabase,
  registerWriteTwinRoutes,
  setReactionTwin,
  type TwinDatabase,
} from './write-twins';

let deps: TestDeps;
const statements = new QueryCounter();
const sent: string[] = [];
const published: string[] = [];
let twin: AnswerTwinDeps;
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
    twin = { db: recorded(db), cache: deps.cache, publish, config: deps.config, jobs: deps.jobs };
    return;
  }
  // PostgreSQL: a postgres.js client on this file's private database, configured like the bench server's.
  const client = await clientOnTestDatabase(deps.db, true);
  twin = {
    db: recorded(postgresTwinDatabase(client)),
    cache: deps.cache,
    publish,
    config: deps.config,
    jobs: deps.jobs,
  };
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
    const answered = await app.request('/bare/answer.create', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': String(voter.id) },
      body: JSON.stringify({ questionId: question.id, body: '  An answer over HTTP, long enough.  ' }),
    });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({
      result: {
        data: { questionId: question.id, body: 'An answer over HTTP, long enough.', accepted: false },
      },
    });
  });
});

/** An answer as the API shows it, with what necessarily differs between two answers mapped out. */
function comparable(answer: { createdAt: string; updatedAt: string; author: object }) {
  return {
    ...answer,
    id: 'answer',
    questionId: 'question',
    author: 'author',
    createdAt: 'time',
    updatedAt: answer.updatedAt === answer.createdAt ? 'time' : answer.updatedAt,
  };
}

/** Everything an answer to question `q` by `answererId` left in the database, ids mapped out. */
async function answerState(
  q: number,
  questionAuthorId: number,
  watcherId: number,
  { id: answererId, username: answererName }: { id: number; username: string },
) {
  const [question] = await rows(sql`select answer_count from questions where id = ${q}`);
  const answers = await rows<{ id: number }>(
    sql`select id::int as id from answers where question_id = ${q} and author_id = ${answererId} order by id`,
  );
  const ids = answers.map((answer) => answer.id);
  const revisions = await rows(
    sql`select target_type, editor_id = ${answererId} as by_answerer, title, body, tags from revisions
        where target_type = 'answer' and target_id in (select id from answers where question_id = ${q}) order by id`,
  );
  const notes = await rows(
    sql`select user_id = ${questionAuthorId} as to_author, user_id = ${watcherId} as to_watcher, type,
          mailed_at is not null as mailed
        from notifications where question_id = ${q} or (user_id = ${answererId} and type = 'badge') order by id`,
  );
  const mails = await rows(
    sql`select j.data->>'to' as to, j.data->>'subject' as subject from pgboss.job j
        join notifications n on j.data->>'dedupeKey' = 'notification:' || n.id
        where j.name = 'mail' and n.question_id = ${q} order by n.id`,
  );
  const badges = await rows(sql`select badge from badges where user_id = ${answererId} order by badge`);
  const reviews = await rows(
    sql`select queue, target_type from review_items where target_type = 'answer' and target_id in (select id from answers where question_id = ${q}) order by id`,
  );
  const watches = await rows(
    sql`select user_id = ${answererId} as answerer from question_watches where question_id = ${q} order by user_id = ${answererId}`,
  );
  const events = await rows<{ channel: string; type: string }>(
    sql`select channel, type from live_events where channel in (${`q:${q}`}, ${`u:${questionAuthorId}`}, ${`u:${answererId}`}) order by channel, seq`,
  );
  return {
    question,
    answers: ids.length,
    revisions,
    notes,
    mails: mails.map((mail) => String(mail.subject).replace(answererName, 'answerer')),
    badges,
    reviews,
    watches,
    events: events.map(
      (event) =>
        `${event.channel.startsWith('q:') ? 'q' : event.channel === `u:${answererId}` ? 'answerer' : 'author'} ${event.type}`,
    ),
  };
}

describe('bench twin of answer.create', () => {
  it('sends the procedure’s statements, answers its JSON and leaves the same rows and cache bumps', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => createTestUser(deps)));
    const [authorA, authorB, watcherA, watcherB, answererA, answererB] = users;
    if (!authorA || !authorB || !watcherA || !watcherB || !answererA || !answererB)
      throw new Error('no users');
    const ask = (author: typeof authorA) =>
      callerFor(deps, author).question.create({
        title: 'How do I tune this query in PostgreSQL?',
        body: 'A body that is long enough for the rules.',
        tags: ['sql'],
      });
    const [qA, qB] = [await ask(authorA), await ask(authorB)];
    await callerFor(deps, watcherA).watch.question({ questionId: qA.id });
    await callerFor(deps, watcherB).watch.question({ questionId: qB.id });

    // A first answer (badge, first-posts queue), then a second one (neither).
    for (const body of [
      'A first **answer** with `code`, long enough.',
      'A second answer, long enough too.',
    ]) {
      let expected: { createdAt: string; updatedAt: string; author: object } | undefined;
      let procedureSent: string[] = [];
      const procedureBumps = await bumps(keysOf(Number(qA.id), authorA.id, answererA.id), async () => {
        const measured = await statements.measure(() =>
          callerFor(deps, answererA).answer.create({ questionId: qA.id, body }),
        );
        expected = measured.result;
        procedureSent = measured.statements;
      });
      sent.length = 0;
      let actual: { createdAt: string; updatedAt: string; author: object } | undefined;
      const twinBumps = await bumps(keysOf(Number(qB.id), authorB.id, answererB.id), async () => {
        actual = await createAnswerTwin(twin, answererB.id, { questionId: Number(qB.id), body });
      });
      if (!expected || !actual) throw new Error('no answer');
      expect(comparable(actual)).toEqual(comparable(expected));
      expect(actual.author).toEqual({
        ...expected.author,
        id: String(answererB.id),
        username: answererB.username,
      });
      expect(sent).toEqual(procedureSent);
      // The mail to the question's author is enqueued on pg-boss with pg-boss's own statement.
      expect(sent.filter((text) => text.includes('pgboss.job'))).toHaveLength(1);
      expect(twinBumps).toEqual(procedureBumps);
    }
    const state = await answerState(Number(qA.id), authorA.id, watcherA.id, answererA);
    expect(state.mails).toHaveLength(2);
    expect(state.badges).toEqual([{ badge: 'first-answer' }]);
    expect(await answerState(Number(qB.id), authorB.id, watcherB.id, answererB)).toEqual(state);
  });

  it('enqueues the mail on the bare server’s own queue (openBareJobQueue)', async () => {
    const bare = await openBareJobQueue(deps.dbHandle, deps.config);
    try {
      const [author, answerer] = [await createTestUser(deps), await createTestUser(deps)];
      const question = await callerFor(deps, author).question.create({
        title: 'How do I tune a mailed query in PostgreSQL?',
        body: 'A body that is long enough for the rules.',
        tags: ['sql'],
      });
      const answer = await createAnswerTwin({ ...twin, jobs: bare.jobs }, answerer.id, {
        questionId: Number(question.id),
        body: 'An answer whose mail the bare queue enqueues.',
      });
      const mails = await rows(
        sql`select j.data->>'to' as to from pgboss.job j join notifications n on j.data->>'dedupeKey' = 'notification:' || n.id
              where j.name = 'mail' and n.answer_id = ${Number(answer.id)}`,
      );
      expect(mails).toEqual([{ to: `${author.username}@example.com` }]);
    } finally {
      await bare.close();
    }
  });

  it('refuses a closed or missing question as the procedure does', async () => {
    const [author, answerer] = [await createTestUser(deps), await createTestUser(deps)];
    const question = await callerFor(deps, author).question.create({
      title: 'How do I tune a closed query in PostgreSQL?',
      body: 'A body that is long enough for the rules.',
      tags: ['sql'],
    });
    await deps.db.execute(sql`update questions set closed_at = now() where id = ${Number(question.id)}`);
    const body = 'An answer to a closed question, long enough.';
    await expect(
      callerFor(deps, answerer).answer.create({ questionId: question.id, body }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      createAnswerTwin(twin, answerer.id, { questionId: Number(question.id), body }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      createAnswerTwin(twin, answerer.id, {
        questionId: 987_654_321,
        body: 'An answer to nothing, long enough.',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
