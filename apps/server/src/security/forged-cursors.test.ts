import { createSession, type SessionUser } from '@devflow/api';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestReplies,
  createTestUser,
} from '@devflow/api/testing';
import { questions } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { startHttpServer } from '../http-server';
import { listProcedures, procedureAt } from '../testing/procedures';

/** What every refused cursor answers, on every paged procedure (packages/api/src/platform/pagination.ts). */
const INVALID_CURSOR = 'This cursor is not valid; start from the first page.';

/** Property runs per paged procedure: nine procedures, a few hundred runs in all. */
const RUNS = 40;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Numbers at the edges of int4, int8, float8 and JavaScript's safe integers. */
const edgeNumber = fc.constantFrom(
  0,
  -0,
  -1,
  0.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 63,
  -(2 ** 63),
  1e308,
  -1e308,
  Number.MIN_VALUE,
);

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** ISO-looking timestamps, most with a calendar field out of range: year 0, month 13, day 32, hour 24. */
const oddDate = fc
  .record({
    year: fc.oneof(fc.constantFrom(0, 1, 1969, 2026, 9999), fc.integer({ min: 0, max: 9999 })),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.constantFrom('', '.0', '.123', '.123456', '.1234567890123', `.${'9'.repeat(60)}`),
    zone: fc.constantFrom('Z', '+00:00', '-23:59', '+99:99', ''),
  })
  .map(
    (d) =>
      `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}T${pad(d.hour, 2)}:${pad(d.minute, 2)}:${pad(d.second, 2)}${d.fraction}${d.zone}`,
  );

/** JavaScript dates far outside PostgreSQL's range, as `toISOString` writes them (`+275760-…`, `-000001-…`). */
const extremeDate = fc
  .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
  .map((date) => date.toISOString());

/** One element of a forged cursor array. */
const element: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: oddDate },
  { weight: 1, arbitrary: extremeDate },
  { weight: 3, arbitrary: edgeNumber },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('question', 'answer', 'reply', '') },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Forged cursors: arrays of the shapes the lists use, random JSON, huge numbers, garbage base64. */
const forgedCursor: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 6, arbitrary: fc.array(element, { maxLength: 4 }).map(base64url) },
    { weight: 2, arbitrary: fc.tuple(fc.oneof(oddDate, extremeDate), element).map(base64url) },
    { weight: 2, arbitrary: fc.tuple(edgeNumber, edgeNumber).map(base64url) },
    {
      weight: 1,
      arbitrary: fc.tuple(oddDate, fc.constantFrom('question', 'answer'), element).map(base64url),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map(base64url) },
    { weight: 1, arbitrary: fc.base64String({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  )
  // Longer than the input schema allows is refused by the schema itself (a different message).
  .filter((cursor) => cursor.length > 0 && cursor.length <= 500);

/** The cursors of the security review (issue 14, item 3), tried first on every paged procedure. */
const REPORTED = [
  base64url(['0000-01-01T00:00:00Z', 1]),
  base64url([2147483648, 1]),
  base64url([-2147483649, 1]),
  base64url([2 ** 53, 1]),
  base64url([2 ** 53 - 1, 1]),
  base64url(['0000-01-01T00:00:00Z', 'question', 1]),
  base64url([2 ** 53 - 1]),
  base64url([1, 2 ** 53 - 1]),
  base64url([1e308, 2 ** 53 - 1]),
];

let server: { url: string; stop(): Promise<void> };
let deps: Awaited<ReturnType<typeof createTestDeps>>;
/** Error-level lines the server logged (JSON). */
const errorLines: string[] = [];
let moderator: SessionUser;
let author: SessionUser;
let token: string;
/** A question with a small reply tree, for `reply.thread`'s pages. */
let threadedId = '';

beforeAll(async () => {
  deps = await createTestDeps();
  // The server's real logger shape, writing to memory so the test can read what it logged.
  const log = pino({ level: 'warn' }, { write: (line: string) => void errorLines.push(line) });
  const app = createApp({ deps: { ...deps, log }, log, trustProxy: 0, webDir: '/nonexistent' });
  const running = await startHttpServer(app, '127.0.0.1', 0);
  deps.config.publicUrl = running.url;
  server = { url: running.url, stop: () => running.stop(2000) };

  moderator = await createTestUser(deps, { role: 'moderator' });
  author = await createTestUser(deps);
  // Rows in every list, so each forged cursor meets real rows in the comparison it feeds.
  for (let i = 0; i < 3; i++) {
    const mine = await createTestQuestion(deps, moderator, { title: `Pagination question number ${i}` });
    await createTestAnswer(deps, author, mine);
    await createTestQuestion(deps, author, { title: `Another pagination question ${i}` });
  }
  await callerFor(deps, moderator).follow.follow({ userId: String(author.id) });
  await callerFor(deps, author).follow.follow({ userId: String(moderator.id) });
  await callerFor(deps, author).answer.create({
    questionId: String((await createTestQuestion(deps, moderator)).id),
    body: 'An answer that notifies the moderator.',
  });
  // Watched tags, a watched question and bookmarks, so the watched feed sources and bookmark.list have rows.
  const tagged = await callerFor(deps, author).question.create({
    title: 'A tagged pagination question',
    body: 'A body that is long enough to be valid.',
    tags: ['pagination'],
  });
  await callerFor(deps, moderator).watch.tag({ tag: 'pagination' });
  await callerFor(deps, moderator).answer.create({
    questionId: String(tagged.id),
    body: 'An answer that makes the moderator watch it.',
  });
  await callerFor(deps, author).answer.create({
    questionId: String(tagged.id),
    body: 'A second answer, by the author.',
  });
  for (const target of await deps.db.select({ id: questions.id }).from(questions).limit(3)) {
    await callerFor(deps, moderator).bookmark.add({ targetType: 'question', targetId: String(target.id) });
  }
  const threaded = await createTestQuestion(deps, author, { title: 'A threaded pagination question' });
  threadedId = String(threaded.id);
  await createTestReplies(deps, { type: 'question', id: threaded.id }, [-1, 0, 0, 1, -1, 4, 5], author.id);
  ({ token } = await createSession(deps, { userId: moderator.id, ip: null, userAgent: null }));
});

afterAll(async () => {
  await server?.stop();
  await deps?.close();
});

/**
 * Inputs that reach the cursor of each paged procedure (besides `cursor` itself), varied where the
 * procedure has several orders. A paged procedure missing here fails the first test below.
 */
const FIXTURES: Record<string, () => fc.Arbitrary<Record<string, unknown>>> = {
  'question.list': () =>
    fc.record({
      sort: fc.constantFrom('newest', 'top', 'unanswered', 'active'),
      deleted: fc.boolean(),
      limit: fc.constantFrom(1, 2, 20),
    }),
  'question.search': () => fc.record({ q: fc.constantFrom('pagination', 'question') }),
  'answer.byUser': () => fc.record({ userId: fc.constant(String(author.id)), limit: fc.constantFrom(1, 20) }),
  'follow.followers': () => fc.record({ userId: fc.constantFrom(String(author.id), String(moderator.id)) }),
  'follow.following': () => fc.record({ userId: fc.constantFrom(String(author.id), String(moderator.id)) }),
  'feed.list': () =>
    fc.record({
      limit: fc.constantFrom(1, 20),
      source: fc.constantFrom('all', 'people', 'tags', 'questions'),
    }),
  'bookmark.list': () => fc.record({ limit: fc.constantFrom(1, 20) }),
  'notification.list': () => fc.record({ unreadOnly: fc.boolean() }),
  'user.list': () => fc.record({ q: fc.constantFrom(undefined, 'user') }),
  'reply.thread': () =>
    fc.record({
      targetType: fc.constant('question'),
      targetId: fc.constant(threadedId),
      limit: fc.constantFrom(1, 2, 200),
    }),
  'review.list': () =>
    fc.record({
      queue: fc.constantFrom(undefined, 'flags', 'first-posts', 'suggested-edits', 'close-votes'),
      state: fc.constantFrom('open', 'resolved'),
    }),
};

/** Inputs the reported cursors are tried with, on top of the generated runs (values of the fixtures). */
const examples = (): Record<string, Record<string, unknown>[]> => ({
  'question.list': ['newest', 'top', 'unanswered', 'active'].map((sort) => ({
    sort,
    deleted: false,
    limit: 20,
  })),
  'question.search': [{ q: 'pagination' }],
  'answer.byUser': [{ userId: String(author.id), limit: 20 }],
  'follow.followers': [{ userId: String(author.id) }],
  'follow.following': [{ userId: String(author.id) }],
  'feed.list': ['all', 'people', 'tags', 'questions'].map((source) => ({ limit: 20, source })),
  'bookmark.list': [{ limit: 20 }],
  'notification.list': [{ unreadOnly: false }],
  'user.list': [{ q: undefined }],
  'reply.thread': [{ targetType: 'question', targetId: threadedId, limit: 2 }],
  'review.list': [{ state: 'open' }, { state: 'resolved' }],
});

const paged = listProcedures().filter((procedure) => procedure.inputKeys?.includes('cursor'));

/** A refusal must be BAD_REQUEST with the one message; anything else (a 500 above all) fails. */
function expectInvalidCursor(error: unknown, where: string) {
  expect(error, where).toBeInstanceOf(TRPCError);
  if (!(error instanceof TRPCError)) return;
  expect({ code: error.code, message: error.message }, where).toEqual({
    code: 'BAD_REQUEST',
    message: INVALID_CURSOR,
  });
}

describe('forged cursors on every paged procedure', () => {
  it('has inputs for every procedure that takes a cursor', () => {
    expect(paged.map((procedure) => procedure.path).sort()).toEqual(Object.keys(FIXTURES).sort());
  });

  for (const path of Object.keys(FIXTURES)) {
    it(`${path}: a forged cursor gets a page or BAD_REQUEST "${INVALID_CURSOR}", never a 500`, async () => {
      const fixture = FIXTURES[path];
      if (!fixture) throw new Error(`no fixture for ${path}`);
      const call = procedureAt(callerFor(deps, moderator), path);
      await fc.assert(
        fc.asyncProperty(fixture(), forgedCursor, async (input, cursor) => {
          const where = `${path} ${JSON.stringify(input)} cursor ${cursor} = ${Buffer.from(cursor, 'base64url').toString('utf8').slice(0, 120)}`;
          const outcome = await call({ ...input, cursor }).then(
            (page) => ({ page }),
            (error: unknown) => ({ error }),
          );
          if ('error' in outcome) expectInvalidCursor(outcome.error, where);
          else expect(outcome.page, where).toMatchObject({ items: expect.any(Array) });
        }),
        {
          numRuns: RUNS,
          examples: REPORTED.flatMap((cursor) =>
            (examples()[path] ?? []).map((input): [Record<string, unknown>, string] => [input, cursor]),
          ),
        },
      );
    });
  }

  it('question.list refuses each reported cursor for the sort it was reported with', async () => {
    const caller = callerFor(deps, moderator);
    const cases: ['newest' | 'top' | 'unanswered' | 'active', unknown][] = [
      ['newest', ['0000-01-01T00:00:00Z', 1]],
      ['active', ['0000-01-01T00:00:00Z', 1]],
      ['unanswered', ['0000-01-01T00:00:00Z', 1]],
      ['top', [2147483648, 1]],
      ['top', [-2147483649, 1]],
      ['top', [2 ** 53, 1]],
      ['top', [1, 2 ** 53]],
      ['newest', ['2026-01-01T00:00:00Z', 0]],
    ];
    for (const [sort, cursor] of cases) {
      const error = await caller.question.list({ sort, cursor: base64url(cursor) }).then(
        () => null,
        (e: unknown) => e,
      );
      expectInvalidCursor(error, `${sort} ${JSON.stringify(cursor)}`);
    }
  });

  it('still follows genuine cursors to the end, at the edges of the score range', async () => {
    const caller = callerFor(deps, moderator);
    for (const sort of ['newest', 'top', 'unanswered', 'active'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = await caller.question.list({
          sort,
          cursor,
          limit: 2,
        });
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size, sort).toBe(seen.length);
      expect(seen.length, sort).toBeGreaterThan(0);
    }
    // The extremes of the column's type are valid keys: nothing sorts after the lowest score.
    const lowest = await caller.question.list({ sort: 'top', cursor: base64url([-(2 ** 31), 1]) });
    expect(lowest.items).toEqual([]);
    const highest = await caller.question.list({
      sort: 'top',
      cursor: base64url([2 ** 31 - 1, 2 ** 53 - 1]),
    });
    expect(highest.items.length).toBeGreaterThan(0);
    const earliest = await caller.question.list({ cursor: base64url(['0001-01-01T00:00:00Z', 1]) });
    expect(earliest.items).toEqual([]);
  });
});

describe('forged cursors over HTTP (/trpc and the REST mirror /api)', () => {
  const timeCursors = [
    ['0000-01-01T00:00:00Z', 1],
    ['2026-02-30T00:00:00Z', 1],
    ['+275760-09-13T00:00:00.000Z', 1],
    ['2026-01-01T00:00:00Z', 2 ** 53],
    [2 ** 53, 1],
  ];
  const scoreCursors = [
    [2147483648, 1],
    [-2147483649, 1],
    [2 ** 53, 1],
    [1, 0],
  ];
  const rankCursors = [
    [null, 1],
    ['0.5', 1],
    [0.5, 2 ** 53],
    [0.5, -1],
  ];
  const feedCursors = [
    ['0000-01-01T00:00:00Z', 'question', 1],
    ['2026-01-01T00:00:00Z', 'reply', 1],
    ['2026-01-01T00:00:00Z', 'answer', 2 ** 53],
  ];
  const idCursors = [[0], [2 ** 53], [-1], ['1']];
  /** Route, its other query parameters, whether it needs a session, and cursors it must refuse. */
  const routes: [string, Record<string, string>, boolean, unknown[][]][] = [
    ['question/list', { sort: 'newest' }, false, timeCursors],
    ['question/list', { sort: 'active' }, false, timeCursors],
    ['question/list', { sort: 'unanswered' }, false, timeCursors],
    ['question/list', { sort: 'top' }, false, scoreCursors],
    ['question/search', { q: 'pagination' }, false, rankCursors],
    ['answer/byUser', {}, false, timeCursors],
    ['follow/followers', {}, false, timeCursors],
    ['follow/following', {}, false, timeCursors],
    ['feed/list', {}, true, feedCursors],
    ['feed/list', { source: 'tags' }, true, feedCursors],
    ['feed/list', { source: 'questions' }, true, feedCursors],
    ['bookmark/list', {}, true, timeCursors],
    ['notification/list', {}, true, idCursors],
    ['user/list', {}, true, idCursors],
    ['review/list', {}, true, idCursors],
  ];

  it('answers 400 with the message, and logs no error', async () => {
    errorLines.length = 0;
    for (const [route, params, signedIn, cursors] of routes) {
      for (const cursor of cursors) {
        const query = new URLSearchParams({ ...params, cursor: base64url(cursor) });
        if (route.startsWith('follow/') || route === 'answer/byUser') query.set('userId', String(author.id));
        const headers: Record<string, string> = signedIn ? { authorization: `Bearer ${token}` } : {};
        const where = `${route} ${JSON.stringify(cursor)}`;

        const rest = await fetch(`${server.url}/api/${route}?${query}`, { headers });
        const restBody = await rest.text();
        expect(rest.status, `/api/${where}: ${restBody}`).toBe(400);
        expect(restBody, where).toContain(INVALID_CURSOR);

        const input = Object.fromEntries(query);
        const trpc = await fetch(
          `${server.url}/trpc/${route.replace('/', '.')}?input=${encodeURIComponent(JSON.stringify(input))}`,
          { headers },
        );
        const trpcBody = await trpc.text();
        expect(trpc.status, `/trpc/${where}: ${trpcBody}`).toBe(400);
        expect(trpcBody, where).toContain(INVALID_CURSOR);
      }
    }
    expect(errorLines).toEqual([]);
  });
});
