import { createServer } from 'node:net';
import { rateLimitsSchema, type SessionUser } from '@devflow/api';
import {
  callerFor,
  createTestAccount,
  createTestAnswer,
  createTestQuestion,
  createTestSession,
  createTestUser,
} from '@devflow/api/testing';
import { createDb, type DbHandle, oauthAccounts, reviewItems } from '@devflow/db';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { startHttpServer } from './http-server';
import { createLogger } from './logger';
import { codeFromOutbox } from './testing/auth-client';
import { startTestServer, type TestServer } from './testing/server';

/**
 * The OpenAPI document judged by what the server really answers: every operation listed in the served
 * `/openapi.json` is called — its success and each error status the document declares for it — and every
 * response body is validated with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) against the
 * schema the document gives for that status. The operations come from the document at run time: one
 * without a fixture below fails, so operations added later are judged the day they land.
 */

type Json = Record<string, unknown>;

/** The tRPC code of each error status (tRPC's own mapping): what the body's `code` must say. */
const CODE_OF_STATUS = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
} as const;
type ErrorStatus = keyof typeof CODE_OF_STATUS;
const isErrorStatus = (status: number): status is ErrorStatus => status in CODE_OF_STATUS;
type Method = 'get' | 'post';
type Operation = {
  method: Method;
  path: string;
  operationId: string;
  security: Json[];
  responses: Record<string, { content?: Record<string, { schema: unknown }>; headers?: Json }>;
  requestBody?: unknown;
};
type OpenApiDocument = {
  paths: Record<string, Partial<Record<Method, Omit<Operation, 'method' | 'path'>>>>;
  components: { schemas: Record<string, unknown> };
};

/** A signed-in identity of a fixture. */
type Session = { user: SessionUser; token: string };

/** One HTTP call of an operation: its input (query for GET, JSON body for POST) and who makes it. */
type Call = {
  input?: Json;
  /** Sent with `Authorization: Bearer`; anonymous when absent. */
  as?: Session;
  /** Overrides for the generic error calls. */
  cookie?: string;
  origin?: string;
  bearer?: string;
  contentType?: string;
  rawBody?: string;
  /** The server to call (the one whose database is down, for 503). */
  baseUrl?: string;
};

/** How to call one operation: a successful call, and calls for the errors only it can produce. */
type Fixture = {
  ok: () => Promise<Call>;
  /** Input that fails validation (400); required when the operation takes input. */
  invalid?: () => Promise<Call>;
  /** Calls for statuses the generic calls (401, 403 cross-site, 413, 415, 429 writes, 503) do not cover. */
  errors?: Partial<Record<ErrorStatus, () => Promise<Call>>>;
};

const PASSWORD = 'Correct-Horse-Battery-Staple-42';
const MISSING_ID = '999999999';
const QUESTION = {
  title: 'How does the REST judge call this?',
  body: 'A question body that is long enough for every rule.',
  tags: ['judge'],
};
const ANSWER_BODY = 'An answer body that is long enough for every rule.';
/** Writes each user may make per minute on the judged server (low, so 429 is cheap to reach). */
const WRITES_PER_MINUTE = 8;
/** Registrations per IP per hour on the judged server. */
const REGISTRATIONS_PER_HOUR = 3;

let server: TestServer;
let down: { url: string; stop(): Promise<void> };
let doc: OpenApiDocument;
let sequence = 0;
const unique = () => {
  sequence += 1;
  return `${Date.now().toString(36)}${sequence}`;
};

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 1;
      probe.close(() => resolve(port));
    });
  });
}

/** The same app over a database that refuses connections (its cache is the judged server's). */
async function startServerWithDatabaseDown() {
  const handle: DbHandle = await createDb({
    databaseUrl: `postgres://postgres@127.0.0.1:${await closedPort()}/down`,
    // postgres.js waits longer before each new try of a connection that failed (up to 20 s): with a
    // connection per call, every call meets a first, instant refusal.
    poolSize: 100,
  });
  const log = createLogger('silent');
  const deps = { ...server.deps, db: handle.db, dbHandle: handle, log };
  const http = await startHttpServer(
    createApp({ deps, log, trustProxy: 0, webDir: '/nonexistent' }),
    '127.0.0.1',
    0,
  );
  return {
    url: http.url,
    stop: async () => {
      await http.stop(2000);
      await handle.close();
    },
  };
}

// ---------------------------------------------------------------- fixtures' building blocks

const deps = () => server.deps;

async function session(overrides: Parameters<typeof createTestUser>[1] = {}): Promise<Session> {
  const user = await createTestUser(deps(), overrides);
  return { user, token: await createTestSession(deps(), user) };
}
const moderator = () => session({ role: 'moderator' });
const admin = () => session({ role: 'admin' });
const id = (row: { id: number }) => String(row.id);

async function question(author?: SessionUser, overrides: Parameters<typeof createTestQuestion>[2] = {}) {
  return createTestQuestion(deps(), author ?? (await createTestUser(deps())), overrides);
}
async function answer(author: SessionUser, on?: { id: number }) {
  return createTestAnswer(deps(), author, on ?? (await question()));
}
async function reply(author: SessionUser, parentId?: string) {
  const target = await question();
  return callerFor(deps(), author).reply.create({
    targetType: 'question',
    targetId: String(target.id),
    body: 'A reply for the judge.',
    ...(parentId ? { parentId } : {}),
  });
}

/** Calls an operation the way a client generated from the document would. */
async function send(op: Operation, call: Call): Promise<Response> {
  const headers: Record<string, string> = {};
  const bearer = call.bearer ?? call.as?.token;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (call.cookie) headers.cookie = call.cookie;
  if (call.origin) headers.origin = call.origin;
  let url = `${call.baseUrl ?? server.url}/api${op.path}`;
  if (op.method === 'get') {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(call.input ?? {})) {
      for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
    }
    if (query.size > 0) url += `?${query}`;
    return fetch(url, { headers });
  }
  // Without input, and where the document says the body is optional (or absent), a bare POST: no body
  // and no content type, as a generated client sends it.
  const bodyOptional = op.requestBody === undefined || !Reflect.get(Object(op.requestBody), 'required');
  const bare = call.input === undefined && bodyOptional && call.contentType === undefined;
  const body = call.rawBody ?? (bare ? undefined : JSON.stringify(call.input ?? {}));
  if (body !== undefined) headers['content-type'] = call.contentType ?? 'application/json';
  return fetch(url, { method: 'POST', headers, body });
}

/** Repeats `attempt` until the server answers 429 (at most `tries` times): a rate limit used up for real. */
async function exhaust(tries: number, attempt: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    try {
      await attempt();
    } catch {
      // refusals count too (failed sign-ins)
    }
  }
}

/** A signed-in user whose writes for this minute are used up. */
async function limitedWriter(): Promise<Session> {
  const me = await session();
  const caller = callerFor(deps(), me.user);
  await exhaust(WRITES_PER_MINUTE, () => caller.user.updateProfile({ bio: `Busy ${unique()}` }));
  return me;
}

/** A question flagged by a fresh user: the id of its open item in the flags queue. */
async function flaggedItem(): Promise<string> {
  const target = await question();
  await callerFor(deps(), await createTestUser(deps())).flag.create({
    targetType: 'question',
    targetId: id(target),
    reason: 'spam',
  });
  const [item] = await deps()
    .db.select({ id: reviewItems.id })
    .from(reviewItems)
    .where(and(eq(reviewItems.targetType, 'question'), eq(reviewItems.targetId, target.id)));
  if (!item) throw new Error('no review item');
  return String(item.id);
}

/** A question closed by a moderator. */
async function closedQuestion(): Promise<string> {
  const target = id(await question());
  await callerFor(deps(), (await moderator()).user).question.close({ id: target, reason: 'off-topic' });
  return target;
}

// ---------------------------------------------------------------- one fixture per operation

const FIXTURES: Record<string, Fixture> = {
  'health-check': { ok: async () => ({}) },

  'flag-create': {
    ok: async () => ({
      as: await session(),
      input: { targetType: 'question', targetId: id(await question()), reason: 'off-topic', note: 'judge' },
    }),
    invalid: async () => ({
      as: await session(),
      input: { targetType: 'question', targetId: '1', reason: 'meh' },
    }),
    errors: {
      403: async () => {
        const me = await session();
        return {
          as: me,
          input: { targetType: 'question', targetId: id(await question(me.user)), reason: 'spam' },
        };
      },
      404: async () => ({
        as: await session(),
        input: { targetType: 'answer', targetId: MISSING_ID, reason: 'spam' },
      }),
      409: async () => {
        const me = await session();
        const input = {
          targetType: 'question' as const,
          targetId: id(await question()),
          reason: 'rude' as const,
        };
        await callerFor(deps(), me.user).flag.create(input);
        return { as: me, input };
      },
    },
  },
  'review-list': {
    ok: async () => {
      await flaggedItem();
      return { as: await moderator(), input: { queue: 'flags', limit: 5 } };
    },
    invalid: async () => ({ as: await moderator(), input: { queue: 'everything' } }),
    errors: { 403: async () => ({ as: await session(), input: {} }) },
  },
  'review-resolve': {
    ok: async () => ({ as: await moderator(), input: { id: await flaggedItem(), action: 'dismiss' } }),
    invalid: async () => ({ as: await moderator(), input: { id: '1', action: 'explode' } }),
    errors: {
      403: async () => ({ as: await session(), input: { id: await flaggedItem(), action: 'dismiss' } }),
      404: async () => ({ as: await moderator(), input: { id: MISSING_ID, action: 'dismiss' } }),
      409: async () => {
        const item = await flaggedItem();
        const reviewer = await moderator();
        await callerFor(deps(), reviewer.user).review.resolve({ id: item, action: 'dismiss' });
        return { as: reviewer, input: { id: item, action: 'dismiss' } };
      },
    },
  },
  'edit-suggest': {
    ok: async () => ({
      as: await session(),
      input: { targetType: 'question', targetId: id(await question()), body: `${ANSWER_BODY} Suggested.` },
    }),
    invalid: async () => ({
      as: await session(),
      input: { targetType: 'answer', targetId: '1', title: 'A title' },
    }),
    errors: {
      404: async () => ({
        as: await session(),
        input: { targetType: 'question', targetId: MISSING_ID, body: `${ANSWER_BODY} Suggested.` },
      }),
    },
  },
  'question-close': {
    ok: async () => ({ as: await moderator(), input: { id: id(await question()), reason: 'needs-details' } }),
    invalid: async () => ({ as: await moderator(), input: { id: '1', reason: 'duplicate' } }),
    errors: {
      403: async () => ({ as: await session(), input: { id: id(await question()), reason: 'off-topic' } }),
      404: async () => ({ as: await moderator(), input: { id: MISSING_ID, reason: 'off-topic' } }),
      409: async () => ({
        as: await moderator(),
        input: { id: await closedQuestion(), reason: 'off-topic' },
      }),
    },
  },
  'question-reopen': {
    ok: async () => ({ as: await moderator(), input: { id: await closedQuestion() } }),
    invalid: async () => ({ as: await moderator(), input: { id: 'x' } }),
    errors: {
      403: async () => ({ as: await session(), input: { id: await closedQuestion() } }),
      404: async () => ({ as: await moderator(), input: { id: MISSING_ID } }),
      409: async () => ({ as: await moderator(), input: { id: id(await question()) } }),
    },
  },
  'question-similar': {
    ok: async () => ({ input: { title: 'judge question' } }),
    invalid: async () => ({ input: { title: '   ' } }),
  },

  'question-create': {
    ok: async () => ({ as: await session(), input: QUESTION }),
    invalid: async () => ({ as: await session(), input: { ...QUESTION, title: 'short', tags: [] } }),
  },
  'question-byId': {
    ok: async () => ({ input: { id: id(await question()) } }),
    invalid: async () => ({ input: { id: 'abc' } }),
    errors: { 404: async () => ({ input: { id: MISSING_ID } }) },
  },
  'question-list': {
    ok: async () => ({ input: { sort: 'newest', limit: 5, deleted: false } }),
    invalid: async () => ({ input: { deleted: 'no' } }),
    errors: { 403: async () => ({ input: { deleted: true } }) },
  },
  'question-search': {
    ok: async () => ({ input: { q: 'judge', limit: 5 } }),
    invalid: async () => ({ input: { q: '   ' } }),
  },
  'question-update': {
    ok: async () => {
      const me = await session();
      return { as: me, input: { id: id(await question(me.user)), title: 'An edited title for the judge' } };
    },
    invalid: async () => ({ as: await session(), input: { id: 'abc' } }),
    errors: {
      403: async () => ({
        as: await session(),
        input: { id: id(await question()), title: 'Not my question at all' },
      }),
      404: async () => ({
        as: await session(),
        input: { id: MISSING_ID, title: 'A question that is not there' },
      }),
    },
  },
  'question-revisions': {
    ok: async () => ({ input: { id: id(await question()) } }),
    invalid: async () => ({ input: { id: '-1' } }),
    errors: { 404: async () => ({ input: { id: MISSING_ID } }) },
  },
  'question-delete': {
    ok: async () => {
      const me = await session();
      return { as: me, input: { id: id(await question(me.user)) } };
    },
    invalid: async () => ({ as: await session(), input: {} }),
    errors: {
      403: async () => ({ as: await session(), input: { id: id(await question()) } }),
      404: async () => ({ as: await session(), input: { id: MISSING_ID } }),
    },
  },
  'question-restore': {
    ok: async () => ({
      as: await moderator(),
      input: { id: id(await question(undefined, { deletedAt: new Date() })) },
    }),
    invalid: async () => ({ as: await moderator(), input: { id: 'x' } }),
    errors: {
      403: async () => ({
        as: await session(),
        input: { id: id(await question(undefined, { deletedAt: new Date() })) },
      }),
      404: async () => ({ as: await moderator(), input: { id: MISSING_ID } }),
    },
  },

  'answer-create': {
    ok: async () => ({ as: await session(), input: { questionId: id(await question()), body: ANSWER_BODY } }),
    invalid: async () => ({
      as: await session(),
      input: { questionId: id(await question()), body: 'short' },
    }),
    errors: {
      404: async () => ({ as: await session(), input: { questionId: MISSING_ID, body: ANSWER_BODY } }),
    },
  },
  'answer-update': {
    ok: async () => {
      const me = await session();
      return { as: me, input: { id: id(await answer(me.user)), body: `${ANSWER_BODY} Edited.` } };
    },
    invalid: async () => ({ as: await session(), input: { id: 'x', body: ANSWER_BODY } }),
    errors: {
      403: async () => ({
        as: await session(),
        input: { id: id(await answer(await createTestUser(deps()))), body: ANSWER_BODY },
      }),
      404: async () => ({ as: await session(), input: { id: MISSING_ID, body: ANSWER_BODY } }),
    },
  },
  'answer-delete': {
    ok: async () => {
      const me = await session();
      return { as: me, input: { id: id(await answer(me.user)) } };
    },
    invalid: async () => ({ as: await session(), input: { id: '' } }),
    errors: {
      403: async () => ({
        as: await session(),
        input: { id: id(await answer(await createTestUser(deps()))) },
      }),
      404: async () => ({ as: await session(), input: { id: MISSING_ID } }),
    },
  },
  'answer-restore': {
    ok: async () => {
      const author = await createTestUser(deps());
      const gone = await answer(author);
      await callerFor(deps(), author).answer.delete({ id: id(gone) });
      return { as: await moderator(), input: { id: id(gone) } };
    },
    invalid: async () => ({ as: await moderator(), input: { id: '0' } }),
    errors: {
      403: async () => ({
        as: await session(),
        input: { id: id(await answer(await createTestUser(deps()))) },
      }),
      404: async () => ({ as: await moderator(), input: { id: MISSING_ID } }),
    },
  },
  'answer-accept': {
    ok: async () => {
      const asker = await session();
      const theAnswer = await answer(await createTestUser(deps()), await question(asker.user));
      return { as: asker, input: { answerId: id(theAnswer) } };
    },
    invalid: async () => ({ as: await session(), input: { answerId: 'x' } }),
    errors: {
      403: async () => ({
        as: await session(),
        input: { answerId: id(await answer(await createTestUser(deps()))) },
      }),
      404: async () => ({ as: await session(), input: { answerId: MISSING_ID } }),
    },
  },
  'answer-unaccept': {
    ok: async () => {
      const asker = await session();
      const theAnswer = await answer(await createTestUser(deps()), await question(asker.user));
      await callerFor(deps(), asker.user).answer.accept({ answerId: id(theAnswer) });
      return { as: asker, input: { answerId: id(theAnswer) } };
    },
    invalid: async () => ({ as: await session(), input: {} }),
    errors: {
      403: async () => ({
        as: await session(),
        input: { answerId: id(await answer(await createTestUser(deps()))) },
      }),
      404: async () => ({ as: await session(), input: { answerId: MISSING_ID } }),
    },
  },
  'answer-revisions': {
    ok: async () => ({ input: { id: id(await answer(await createTestUser(deps()))) } }),
    invalid: async () => ({ input: { id: 'x' } }),
    errors: { 404: async () => ({ input: { id: MISSING_ID } }) },
  },
  'answer-byUser': {
    ok: async () => {
      const author = await createTestUser(deps());
      await answer(author);
      return { input: { userId: id(author), limit: 5 } };
    },
    invalid: async () => ({ input: { userId: 'x' } }),
  },

  'tag-list': {
    ok: async () => ({ input: { q: 'ju', limit: 5 } }),
    invalid: async () => ({ input: { limit: 0 } }),
  },
  'tag-popular': {
    ok: async () => ({ input: { limit: 5 } }),
    invalid: async () => ({ input: { limit: 101 } }),
  },

  'reply-create': {
    ok: async () => ({
      as: await session(),
      input: { targetType: 'question', targetId: id(await question()), body: 'A reply for the judge.' },
    }),
    invalid: async () => ({ as: await session(), input: { targetType: 'nope', targetId: '1', body: 'x' } }),
    errors: {
      404: async () => ({
        as: await session(),
        input: { targetType: 'question', targetId: MISSING_ID, body: 'A reply to nothing.' },
      }),
    },
  },
  'reply-update': {
    ok: async () => {
      const me = await session();
      return { as: me, input: { id: (await reply(me.user)).id, body: 'An edited reply.' } };
    },
    invalid: async () => ({ as: await session(), input: { id: '1', body: '' } }),
    errors: {
      403: async () => ({
        as: await session(),
        input: { id: (await reply(await createTestUser(deps()))).id, body: 'Mine now.' },
      }),
      404: async () => ({
        as: await session(),
        input: { id: MISSING_ID, body: 'A reply that is not there.' },
      }),
    },
  },
  'reply-delete': {
    ok: async () => {
      const me = await session();
      return { as: me, input: { id: (await reply(me.user)).id } };
    },
    invalid: async () => ({ as: await session(), input: { id: 'x' } }),
    errors: {
      403: async () => ({
        as: await session(),
        input: { id: (await reply(await createTestUser(deps()))).id },
      }),
      404: async () => ({ as: await session(), input: { id: MISSING_ID } }),
    },
  },
  'reply-thread': {
    ok: async () => {
      // A nested thread, so the recursive ReplyNode schema is judged on real children.
      const author = await createTestUser(deps());
      const target = await question();
      const caller = callerFor(deps(), author);
      const top = await caller.reply.create({
        targetType: 'question',
        targetId: id(target),
        body: 'Top reply.',
      });
      await caller.reply.create({
        targetType: 'question',
        targetId: id(target),
        parentId: top.id,
        body: 'Child.',
      });
      return { input: { targetType: 'question', targetId: id(target) } };
    },
    invalid: async () => ({ input: { targetType: 'question', targetId: '1', maxDepth: 0 } }),
    errors: { 404: async () => ({ input: { targetType: 'question', targetId: MISSING_ID } }) },
  },

  'reaction-set': {
    ok: async () => ({
      as: await session(),
      input: { targetType: 'question', targetId: id(await question()), value: 'like' },
    }),
    invalid: async () => ({
      as: await session(),
      input: { targetType: 'question', targetId: '1', value: 'love' },
    }),
    errors: {
      403: async () => {
        const me = await session();
        return {
          as: me,
          input: { targetType: 'question', targetId: id(await question(me.user)), value: 'like' },
        };
      },
      404: async () => ({
        as: await session(),
        input: { targetType: 'question', targetId: MISSING_ID, value: 'like' },
      }),
    },
  },

  'follow-follow': {
    ok: async () => ({ as: await session(), input: { userId: id(await createTestUser(deps())) } }),
    invalid: async () => {
      const me = await session();
      return { as: me, input: { userId: id(me.user) } };
    },
    errors: { 404: async () => ({ as: await session(), input: { userId: MISSING_ID } }) },
  },
  'follow-unfollow': {
    ok: async () => ({ as: await session(), input: { userId: id(await createTestUser(deps())) } }),
    invalid: async () => ({ as: await session(), input: { userId: 'x' } }),
    errors: { 404: async () => ({ as: await session(), input: { userId: MISSING_ID } }) },
  },
  'follow-status': {
    ok: async () => ({ input: { userId: id(await createTestUser(deps())) } }),
    invalid: async () => ({ input: { userId: 'x' } }),
  },
  'follow-followers': {
    ok: async () => {
      const star = await createTestUser(deps());
      await callerFor(deps(), await createTestUser(deps())).follow.follow({ userId: id(star) });
      return { input: { userId: id(star) } };
    },
    invalid: async () => ({ input: { userId: 'x' } }),
    errors: { 404: async () => ({ input: { userId: MISSING_ID } }) },
  },
  'follow-following': {
    ok: async () => {
      const fan = await createTestUser(deps());
      await callerFor(deps(), fan).follow.follow({ userId: id(await createTestUser(deps())) });
      return { input: { userId: id(fan) } };
    },
    invalid: async () => ({ input: { userId: 'x', limit: 0 } }),
    errors: { 404: async () => ({ input: { userId: MISSING_ID } }) },
  },

  'feed-list': {
    ok: async () => ({ as: await session(), input: { limit: 5 } }),
    invalid: async () => ({ as: await session(), input: { limit: 0 } }),
  },
  'user-notificationSettings': { ok: async () => ({ as: await session() }) },
  'user-setNotificationSettings': {
    ok: async () => ({ as: await session(), input: { watchedQuestion: 'off' } }),
    invalid: async () => ({ as: await session(), input: { watchedQuestion: 'never' } }),
  },
  'watch-tag': {
    ok: async () => {
      const tag = `judged-${unique()}`;
      await callerFor(deps(), await createTestUser(deps())).question.create({
        title: 'A question carrying a fresh tag',
        body: 'A body that is long enough to be valid.',
        tags: [tag],
      });
      return { as: await session(), input: { tag } };
    },
    invalid: async () => ({ as: await session(), input: { tag: '<nope>' } }),
    errors: { 404: async () => ({ as: await session(), input: { tag: `unused-${unique()}` } }) },
  },
  'watch-untag': {
    ok: async () => ({ as: await session(), input: { tag: 'anything' } }),
    invalid: async () => ({ as: await session(), input: { tag: '' } }),
  },
  'watch-question': {
    ok: async () => ({
      as: await session(),
      input: { questionId: id(await question()) },
    }),
    invalid: async () => ({ as: await session(), input: { questionId: 'x' } }),
    errors: { 404: async () => ({ as: await session(), input: { questionId: MISSING_ID } }) },
  },
  'watch-unquestion': {
    ok: async () => ({ as: await session(), input: { questionId: MISSING_ID } }),
    invalid: async () => ({ as: await session(), input: {} }),
  },
  'watch-list': { ok: async () => ({ as: await session() }) },
  'bookmark-add': {
    ok: async () => ({
      as: await session(),
      input: { targetType: 'question', targetId: id(await question()) },
    }),
    invalid: async () => ({ as: await session(), input: { targetType: 'reply', targetId: '1' } }),
    errors: {
      404: async () => ({ as: await session(), input: { targetType: 'answer', targetId: MISSING_ID } }),
    },
  },
  'bookmark-remove': {
    ok: async () => {
      const me = await session();
      const input = {
        targetType: 'question' as const,
        targetId: id(await question()),
      };
      await callerFor(deps(), me.user).bookmark.add(input);
      return { as: me, input };
    },
    invalid: async () => ({ as: await session(), input: { targetType: 'question' } }),
    errors: {
      404: async () => ({ as: await session(), input: { targetType: 'question', targetId: MISSING_ID } }),
    },
  },
  'bookmark-list': {
    ok: async () => {
      const me = await session();
      const targetId = id(await question());
      await callerFor(deps(), me.user).bookmark.add({ targetType: 'question', targetId });
      return { as: me, input: { limit: 5 } };
    },
    invalid: async () => ({ as: await session(), input: { limit: 0 } }),
  },
  'notification-list': {
    ok: async () => {
      const me = await session();
      await callerFor(deps(), await createTestUser(deps())).follow.follow({ userId: id(me.user) });
      return { as: me, input: { unreadOnly: true } };
    },
    invalid: async () => ({ as: await session(), input: { unreadOnly: 'yes' } }),
  },
  'notification-markRead': {
    ok: async () => ({ as: await session(), input: {} }),
    invalid: async () => ({ as: await session(), input: { ids: ['x'] } }),
  },
  'notification-unreadCount': { ok: async () => ({ as: await session() }) },

  'auth-register': {
    ok: async () => {
      const name = `judge_${unique()}`;
      return { input: { email: `${name}@example.com`, username: name, password: PASSWORD } };
    },
    invalid: async () => ({ input: { email: 'not-an-email', username: 'x', password: 'short' } }),
    errors: {
      409: async () => {
        const taken = await createTestUser(deps());
        return { input: { email: taken.email, username: `judge_${unique()}`, password: PASSWORD } };
      },
      429: async () => {
        const register = (await FIXTURES['auth-register']?.ok()) ?? {};
        const op = operation('post', '/auth/register');
        await exhaust(REGISTRATIONS_PER_HOUR, async () => {
          const name = `judge_${unique()}`;
          await send(op, { input: { email: `${name}@example.com`, username: name, password: PASSWORD } });
        });
        return register;
      },
    },
  },
  'auth-login': {
    ok: async () => {
      const account = await createTestAccount(deps(), PASSWORD);
      return { input: { login: account.username, password: PASSWORD } };
    },
    invalid: async () => ({ input: { login: '' } }),
    errors: {
      401: async () => {
        const account = await createTestAccount(deps(), PASSWORD);
        return { input: { login: account.username, password: `${PASSWORD}-wrong` } };
      },
      429: async () => {
        const account = await createTestAccount(deps(), PASSWORD);
        const wrong = { input: { login: account.username, password: `${PASSWORD}-wrong` } };
        const limits = deps().config.rateLimits;
        await exhaust(limits.loginAccountIp.points, () => send(operation('post', '/auth/login'), wrong));
        return wrong;
      },
    },
  },
  'auth-me': { ok: async () => ({}) },
  'auth-logout': {
    ok: async () => ({ as: await session() }),
    invalid: async () => ({ as: await session(), input: { everywhere: true } }),
  },
  'auth-logoutAll': {
    ok: async () => ({ as: await session() }),
    invalid: async () => ({ as: await session(), input: { now: true } }),
  },
  'auth-requestEmailVerification': {
    ok: async () => ({ as: await session({ emailVerified: false }) }),
    errors: {
      400: async () => ({ as: await session({ emailVerified: true }) }),
      429: async () => {
        const me = await session({ emailVerified: false });
        const caller = callerFor(deps(), me.user);
        await exhaust(deps().config.rateLimits.otpRequest.points, () =>
          caller.auth.requestEmailVerification(),
        );
        return { as: me };
      },
    },
  },
  'auth-verifyEmail': {
    ok: async () => {
      const me = await session({ emailVerified: false });
      await callerFor(deps(), me.user).auth.requestEmailVerification();
      const code = await codeFromOutbox(deps().config.mailOutbox, me.user.email);
      return { as: me, input: { code } };
    },
    invalid: async () => ({ as: await session({ emailVerified: false }), input: { code: '12ab' } }),
  },
  'auth-requestPasswordReset': {
    ok: async () => ({ input: { email: (await createTestAccount(deps(), PASSWORD)).email } }),
    invalid: async () => ({ input: { email: 'nobody' } }),
    errors: {
      429: async () => {
        const email = `judge_${unique()}@example.com`;
        const caller = callerFor(deps());
        await exhaust(deps().config.rateLimits.otpRequest.points, () =>
          caller.auth.requestPasswordReset({ email }),
        );
        return { input: { email } };
      },
    },
  },
  'auth-resetPassword': {
    ok: async () => {
      const account = await createTestAccount(deps(), PASSWORD);
      await callerFor(deps()).auth.requestPasswordReset({ email: account.email });
      const code = await codeFromOutbox(deps().config.mailOutbox, account.email);
      return { input: { email: account.email, code, newPassword: 'Another-Correct-Horse-77' } };
    },
    invalid: async () => ({ input: { email: 'nobody@example.com', code: '000000', newPassword: 'short' } }),
  },

  'user-byUsername': {
    ok: async () => ({ input: { username: (await createTestUser(deps())).username } }),
    invalid: async () => ({ input: { username: '' } }),
    errors: { 404: async () => ({ input: { username: `nobody_${unique()}` } }) },
  },
  'user-updateProfile': {
    ok: async () => ({ as: await session(), input: { bio: 'Judged by OpenAPI.' } }),
    invalid: async () => ({ as: await session(), input: { avatarUrl: 'http://insecure.example/a.png' } }),
  },
  'user-setRole': {
    ok: async () => ({
      as: await admin(),
      input: { userId: id(await createTestUser(deps())), role: 'moderator' },
    }),
    invalid: async () => ({ as: await admin(), input: { userId: '1', role: 'king' } }),
    errors: {
      403: async () => ({
        as: await moderator(),
        input: { userId: id(await createTestUser(deps())), role: 'moderator' },
      }),
      404: async () => ({ as: await admin(), input: { userId: MISSING_ID, role: 'moderator' } }),
    },
  },
  'user-suspend': {
    ok: async () => ({ as: await moderator(), input: { userId: id(await createTestUser(deps())) } }),
    invalid: async () => ({ as: await moderator(), input: { userId: '1', until: 'tomorrow' } }),
    errors: {
      403: async () => ({ as: await session(), input: { userId: id(await createTestUser(deps())) } }),
      404: async () => ({ as: await moderator(), input: { userId: MISSING_ID } }),
    },
  },
  'user-unsuspend': {
    ok: async () => {
      const target = await createTestUser(deps(), { suspendedUntil: new Date(Date.now() + 86_400_000) });
      return { as: await moderator(), input: { userId: id(target) } };
    },
    invalid: async () => ({ as: await moderator(), input: { userId: 'x' } }),
    errors: {
      403: async () => ({ as: await session(), input: { userId: id(await createTestUser(deps())) } }),
      404: async () => ({ as: await moderator(), input: { userId: MISSING_ID } }),
    },
  },
  'user-list': {
    ok: async () => ({ as: await moderator(), input: { limit: 5 } }),
    invalid: async () => ({ as: await moderator(), input: { limit: 0 } }),
    errors: { 403: async () => ({ as: await session(), input: { limit: 5 } }) },
  },

  'user-privileges': { ok: async () => ({ as: await session() }) },
  'admin-settings-get': {
    ok: async () => ({ as: await admin() }),
    errors: { 403: async () => ({ as: await session() }) },
  },
  'admin-settings-set': {
    // What is already in force: the other operations keep the default rules.
    ok: async () => ({ as: await admin(), input: { privilegePreset: 'team' } }),
    invalid: async () => ({ as: await admin(), input: { thresholds: { voteUp: -1 } } }),
    errors: { 403: async () => ({ as: await session(), input: { privilegePreset: 'team' } }) },
  },

  'oauth-providers': { ok: async () => ({}) },
  'oauth-accounts': { ok: async () => ({ as: await session() }) },
  'oauth-unlink': {
    ok: async () => {
      const me = await session();
      await deps()
        .db.insert(oauthAccounts)
        .values([
          { provider: 'github', providerUserId: `gh-${unique()}`, userId: me.user.id },
          { provider: 'google', providerUserId: `go-${unique()}`, userId: me.user.id },
        ]);
      return { as: me, input: { provider: 'github' } };
    },
    invalid: async () => ({ as: await session(), input: { provider: 'myspace' } }),
    errors: { 404: async () => ({ as: await session(), input: { provider: 'github' } }) },
  },
};

// ---------------------------------------------------------------- the judge

function operations(): Operation[] {
  const list: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post'] as const) {
      const operation = item[method];
      if (operation) list.push({ method, path, ...operation });
    }
    const others = Object.keys(item).filter((key) => key !== 'get' && key !== 'post');
    expect(others, `${path}: methods the judge does not call`).toEqual([]);
  }
  return list;
}

function operation(method: Method, path: string): Operation {
  const found = operations().find((op) => op.method === method && op.path === path);
  if (!found) throw new Error(`no operation ${method} ${path}`);
  return found;
}

const isPublic = (op: Operation) => op.security.some((requirement) => Object.keys(requirement).length === 0);

/** The call that makes `op` answer `status`: its own fixture, or one built the same way for every operation. */
async function callFor(op: Operation, fixture: Fixture, status: ErrorStatus): Promise<Call | null> {
  const own = fixture.errors?.[status];
  if (own) return own();
  const ok = () => fixture.ok();
  switch (status) {
    case 400:
      return fixture.invalid ? fixture.invalid() : null;
    case 401:
      return { ...(await ok()), as: undefined };
    case 403: {
      if (op.method !== 'post') return null;
      // A change authenticated by the session cookie from another site (CSRF).
      const call = await ok();
      const token = call.as?.token ?? (await session()).token;
      return {
        ...call,
        as: undefined,
        cookie: `devflow_session=${token}`,
        origin: 'https://elsewhere.example',
      };
    }
    case 413:
      return { ...(await ok()), rawBody: JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 1) }) };
    case 415:
      return { ...(await ok()), contentType: 'text/plain' };
    case 429:
      return { ...(await ok()), as: await limitedWriter() };
    case 503:
      // Any token makes the server look the session up in the database that is down.
      return { ...(await ok()), as: undefined, bearer: 'a-token-the-database-must-check', baseUrl: down.url };
    default:
      return null;
  }
}

describe('the OpenAPI document, judged by the responses of every REST operation', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  // OpenAPI 3.1 adds these keywords to JSON Schema (its base vocabulary).
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  const validators = new Map<string, ValidateFunction>();

  /** The document's schema for `status` of `op`, compiled once, `$ref`s resolved among the components. */
  function validatorFor(op: Operation, status: string): ValidateFunction {
    const key = `${op.operationId} ${status}`;
    const cached = validators.get(key);
    if (cached) return cached;
    const schema = op.responses[status]?.content?.['application/json']?.schema;
    expect(schema, `${key}: no application/json schema`).toBeDefined();
    const rewritten = JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/schemas/', '"components#/$defs/'),
    ) as Json;
    const validate = ajv.compile(rewritten);
    validators.set(key, validate);
    return validate;
  }

  beforeAll(async () => {
    server = await startTestServer({
      rateLimits: rateLimitsSchema.parse({
        writes: { points: WRITES_PER_MINUTE, durationSeconds: 60 },
        register: { points: REGISTRATIONS_PER_HOUR, durationSeconds: 3600 },
      }),
    });
    down = await startServerWithDatabaseDown();
    doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDocument;
    const defs = JSON.parse(
      JSON.stringify(doc.components.schemas).replaceAll('"#/components/schemas/', '"components#/$defs/'),
    ) as Json;
    ajv.addSchema({ $id: 'components', $defs: defs });
  });
  afterAll(async () => {
    await down?.stop();
    await server?.stop();
  });

  it('has a fixture for every operation of the document, and none for operations it lacks', () => {
    const ids = operations().map((op) => op.operationId);
    expect(ids.length).toBeGreaterThan(40);
    expect(
      ids.filter((opId) => !(opId in FIXTURES)),
      'operations without a fixture',
    ).toEqual([]);
    expect(
      Object.keys(FIXTURES).filter((opId) => !ids.includes(opId)),
      'fixtures without an operation',
    ).toEqual([]);
  });

  it('answers every operation and every documented error with a body its schema accepts', {
    timeout: 300_000,
  }, async () => {
    const failures: string[] = [];
    for (const op of operations()) {
      const fixture = FIXTURES[op.operationId];
      if (!fixture) continue; // reported by the test above
      const documented = Object.keys(op.responses).filter(
        (status) => status !== 'default' && status !== '200',
      );
      const plan: { status: number; call: () => Promise<Call | null> }[] = [
        { status: 200, call: () => fixture.ok() },
        ...documented.map((status) => {
          const code = Number(status);
          return {
            status: code,
            call: () => (isErrorStatus(code) ? callFor(op, fixture, code) : Promise.resolve(null)),
          };
        }),
      ];
      // Public operations answer anonymous callers; the others refuse them (their 401 call is anonymous).
      if (!isPublic(op) && !documented.includes('401')) {
        failures.push(`${op.operationId}: requires a token but documents no 401`);
      }
      for (const step of plan) {
        const call = await step.call();
        const where = `${op.method.toUpperCase()} /api${op.path} → ${step.status}`;
        if (step.status === 200 && call?.as && isPublic(op)) {
          failures.push(`${where}: the operation is public, so its success fixture must not sign in`);
        }
        if (!call) {
          failures.push(`${where}: documented, but the judge has no way to produce it (add a fixture)`);
          continue;
        }
        const response = await send(op, call);
        const text = await response.text();
        if (response.status !== step.status) {
          failures.push(`${where}: answered ${response.status} ${text.slice(0, 300)}`);
          continue;
        }
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          failures.push(`${where}: not JSON: ${text.slice(0, 200)}`);
          continue;
        }
        const validate = validatorFor(op, String(step.status));
        if (!validate(body)) {
          failures.push(`${where}: ${ajv.errorsText(validate.errors)} in ${text.slice(0, 300)}`);
          continue;
        }
        if (step.status >= 400) {
          const error = body as { code: string; data: { code: string; httpStatus: number } };
          const expected = isErrorStatus(step.status) ? CODE_OF_STATUS[step.status] : 'a known code';
          if (
            error.code !== expected ||
            error.data.code !== expected ||
            error.data.httpStatus !== step.status
          ) {
            failures.push(
              `${where}: code ${error.code}/${error.data.code}/${error.data.httpStatus}, not ${expected}`,
            );
          }
          if ((step.status === 429 || step.status === 503) && !response.headers.get('retry-after')) {
            failures.push(`${where}: no Retry-After header`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
