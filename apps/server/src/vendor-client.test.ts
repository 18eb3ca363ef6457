import { createRequire } from 'node:module';
import type { AppRouter } from '@devflow/api';
import { oauthAccounts } from '@devflow/db';
import {
  createTRPCUntypedClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  type TRPCLink,
  type TRPCUntypedClient,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFromOutbox } from './testing/auth-client';
import { field, ok, register, type SignedUp } from './testing/flows';
import { listProcedureTypes } from './testing/procedures';
import { startTestServer, type TestServer } from './testing/server';

/**
 * The outside judge "the vendor client": every procedure of `AppRouter`, read from the router at run
 * time, called through the published `@trpc/client` with each of its HTTP links — `httpLink` and
 * `httpBatchLink` (plain JSON: the server's fast path, `trpc-fast-path.ts`) and `httpBatchStreamLink`
 * (JSON lines: the stock adapter) — once with valid input, checking what a user would see in the
 * answer, and once with an input the schema refuses, which must be BAD_REQUEST with a sentence, not a
 * 500. A procedure without a fixture below fails, so procedures are covered the day they land.
 */

/** What each link is given: the caller's headers, and a `fetch` that lets the test see the responses. */
type LinkOptions = { url: string; headers: Record<string, string>; fetch: typeof fetch };

/**
 * Subscriptions go over `httpSubscriptionLink` (SSE, `eventsource` on Node 20), as an application splits
 * them off its HTTP link; the Bearer token rides on the EventSource's own requests.
 */
function withSubscriptions(options: LinkOptions, link: TRPCLink<AppRouter>): TRPCLink<AppRouter> {
  return splitLink({
    condition: (op) => op.type === 'subscription',
    true: httpSubscriptionLink({
      url: options.url,
      EventSource,
      eventSourceOptions: () => ({
        fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...options.headers } }),
      }),
    }),
    false: link,
  });
}

/** The links under judgement, each built as an application would build it. */
const LINKS = {
  httpLink: (options: LinkOptions) => withSubscriptions(options, httpLink(options)),
  httpBatchLink: (options: LinkOptions) =>
    withSubscriptions(options, httpBatchLink({ ...options, maxItems: 10 })),
  httpBatchStreamLink: (options: LinkOptions) =>
    withSubscriptions(options, httpBatchStreamLink({ ...options, maxItems: 10 })),
} satisfies Record<string, (options: LinkOptions) => TRPCLink<AppRouter>>;

/** The first event of a subscription (`{ id, data }` for tracked events), or its error; then it ends. */
function firstEvent(client: TRPCUntypedClient<AppRouter>, path: string, input: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const subscription = client.subscription(path, input, {
      onData: (data) => {
        subscription.unsubscribe();
        resolve(data);
      },
      onError: (error) => {
        subscription.unsubscribe();
        reject(error);
      },
    });
  });
}
type LinkName = keyof typeof LINKS;

/** Everything the fixtures share: one server, its users and posts, and factories for throwaway ones. */
type World = {
  server: TestServer;
  /** The first account (admin), a moderator and a plain user. */
  admin: SignedUp;
  moderator: SignedUp;
  user: SignedUp;
  /** A question by the admin with an answer by the user and a reply by the moderator. */
  questionId: string;
  answerId: string;
  replyId: string;
  /** The shared question's tag and a word only its title has. */
  tag: string;
  word: string;
  /** A fresh account, for calls that change or end it. */
  account(): Promise<SignedUp>;
  question(author: SignedUp): Promise<string>;
  answer(author: SignedUp, questionId: string): Promise<string>;
  reply(author: SignedUp, questionId: string): Promise<string>;
  /** A setup call over raw HTTP (independent of the link under judgement); throws unless it succeeds. */
  setup(path: string, type: 'query' | 'mutation', input: unknown, as: SignedUp | null): Promise<unknown>;
};

/** A call through the link under judgement, as `who` (anonymous when null). */
type Caller = (path: string, input: unknown, who: SignedUp | null) => Promise<unknown>;

/** Who calls a procedure with what (`other`: another session of the same account, when it matters). */
type Call = { as: SignedUp | null; input?: unknown; other?: SignedUp };

type Fixture = {
  /** Prepares what the call needs (throwaway accounts and posts for calls that change state). */
  valid(w: World): Promise<Call>;
  /** Checks the answer as a user would; `again` calls further procedures through the same link. */
  check(output: unknown, w: World, call: Call, again: Caller): void | Promise<void>;
  /** One input the procedure's schema refuses (sent as the admin, so no role check answers first). */
  invalid: unknown;
};

const BODY = 'A body long enough for every validation rule of the API.';
const NOT_AN_ID = { id: 'not-an-id' };
/** What every input-less procedure must refuse: a field it does not take. */
const UNEXPECTED = { unexpected: true };

/** The items of a `Page<T>` answer. */
function items(output: unknown): unknown[] {
  const list = field(output, 'items');
  if (!Array.isArray(list)) throw new Error(`not a page: ${JSON.stringify(output)}`);
  return list;
}

/** Every procedure of the router, by dotted path. */
const FIXTURES: Record<string, Fixture> = {
  'live.question': {
    // From the start of the backlog: the shared question's first event is its answer.
    valid: async (w) => ({ as: null, input: { questionId: w.questionId, lastEventId: '0' } }),
    check: (out, w) => {
      expect(out).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
      expect(field(out, 'data')).toMatchObject({ type: 'answer.created', answer: { id: w.answerId } });
      expect(field(out, 'data', 'answer')).not.toHaveProperty('myReaction');
    },
    invalid: { questionId: 'not-an-id' },
  },

  'live.notifications': {
    // The admin asked the shared question, their first: the first event of their backlog is that badge.
    valid: async (w) => ({ as: w.admin, input: { lastEventId: '0' } }),
    check: (out) => {
      expect(out).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
      expect(field(out, 'data')).toMatchObject({
        type: 'notification.created',
        notification: { type: 'badge', badge: 'first-question' },
        unread: expect.any(Number),
      });
    },
    invalid: { lastEventId: 'yesterday' },
  },

  'health.check': {
    valid: async () => ({ as: null }),
    check: (out) =>
      expect(out).toMatchObject({ ok: true, db: expect.any(String), cache: expect.any(String) }),
    invalid: UNEXPECTED,
  },

  'auth.register': {
    valid: async () => {
      const username = `reg_${unique()}`;
      return {
        as: null,
        input: { email: `${username}@example.com`, username, password: `Correct-Horse-${username}-9` },
      };
    },
    check: (out, _w, call) =>
      expect(out).toMatchObject({
        token: expect.any(String),
        user: { username: field(call.input, 'username'), role: 'user' },
      }),
    invalid: { email: 'not an email', username: 'x', password: 'short' },
  },
  'auth.login': {
    valid: async (w) => ({ as: null, input: { login: w.user.username, password: w.user.password } }),
    check: (out, w) =>
      expect(out).toMatchObject({
        token: expect.any(String),
        user: { id: w.user.id, username: w.user.username },
      }),
    invalid: { login: '', password: '' },
  },
  'auth.me': {
    valid: async (w) => ({ as: w.user }),
    check: (out, w) => expect(out).toMatchObject({ id: w.user.id, username: w.user.username }),
    invalid: UNEXPECTED,
  },
  'auth.logout': {
    valid: async (w) => ({ as: await w.account() }),
    check: async (out, _w, call, again) => {
      expect(out).toEqual({ ok: true });
      // The token no longer signs anyone in.
      expect(await again('auth.me', undefined, call.as)).toBeNull();
    },
    invalid: UNEXPECTED,
  },
  'auth.logoutAll': {
    valid: async (w) => {
      const account = await w.account();
      const other = await w.setup(
        'auth.login',
        'mutation',
        { login: account.username, password: account.password },
        null,
      );
      const token = field(other, 'token');
      if (typeof token !== 'string') throw new Error('no second session');
      return { as: account, other: { ...account, token } };
    },
    check: async (out, _w, call, again) => {
      expect(out).toEqual({ ok: true });
      // Both sessions are over, the one that asked and the other device's.
      expect(await again('auth.me', undefined, call.as)).toBeNull();
      expect(await again('auth.me', undefined, call.other ?? null)).toBeNull();
    },
    invalid: UNEXPECTED,
  },
  'auth.requestEmailVerification': {
    valid: async (w) => ({ as: await w.account() }),
    check: async (out, w, call) => {
      expect(out).toEqual({ ok: true });
      expect(await codeFromOutbox(w.server.deps.config.mailOutbox, call.as?.email ?? '')).toMatch(/^\d{6}$/);
    },
    invalid: UNEXPECTED,
  },
  'auth.verifyEmail': {
    valid: async (w) => {
      const account = await w.account();
      await w.setup('auth.requestEmailVerification', 'mutation', undefined, account);
      return {
        as: account,
        input: { code: await codeFromOutbox(w.server.deps.config.mailOutbox, account.email) },
      };
    },
    check: (out, _w, call) => expect(out).toMatchObject({ username: call.as?.username, emailVerified: true }),
    invalid: { code: 'abc' },
  },
  'auth.requestPasswordReset': {
    valid: async (w) => ({ as: null, input: { email: (await w.account()).email } }),
    check: async (out, w, call) => {
      expect(out).toEqual({ ok: true });
      expect(
        await codeFromOutbox(w.server.deps.config.mailOutbox, String(field(call.input, 'email'))),
      ).toMatch(/^\d{6}$/);
    },
    invalid: { email: 42 },
  },
  'auth.resetPassword': {
    valid: async (w) => {
      const account = await w.account();
      await w.setup('auth.requestPasswordReset', 'mutation', { email: account.email }, null);
      const code = await codeFromOutbox(w.server.deps.config.mailOutbox, account.email);
      return {
        as: null,
        input: { email: account.email, code, newPassword: `New-Horse-${unique()}-Staple-7` },
      };
    },
    check: async (out, w, call) => {
      expect(out).toEqual({ ok: true });
      // The new password signs in.
      const signedIn = await w.setup(
        'auth.login',
        'mutation',
        { login: field(call.input, 'email'), password: field(call.input, 'newPassword') },
        null,
      );
      expect(field(signedIn, 'token')).toEqual(expect.any(String));
    },
    invalid: { email: 'nobody@example.com', code: '12', newPassword: 'short' },
  },

  'user.byUsername': {
    valid: async (w) => ({ as: null, input: { username: w.user.username } }),
    check: (out, w) => expect(out).toMatchObject({ id: w.user.id, username: w.user.username, role: 'user' }),
    invalid: { username: '' },
  },
  'user.updateProfile': {
    valid: async (w) => ({
      as: await w.account(),
      input: { displayName: 'Judge Dredd', bio: 'I judge **clients**.' },
    }),
    check: (out, _w, call) =>
      expect(out).toMatchObject({
        username: call.as?.username,
        displayName: 'Judge Dredd',
        bio: 'I judge **clients**.',
        bioHtml: expect.stringContaining('<strong>clients</strong>'),
      }),
    invalid: { bio: 'x'.repeat(2001) },
  },
  'user.setRole': {
    valid: async (w) => ({ as: w.admin, input: { userId: (await w.account()).id, role: 'moderator' } }),
    check: (out, _w, call) =>
      expect(out).toMatchObject({ id: field(call.input, 'userId'), role: 'moderator' }),
    invalid: { userId: '1', role: 'emperor' },
  },
  'user.suspend': {
    valid: async (w) => ({ as: w.moderator, input: { userId: (await w.account()).id } }),
    check: (out, _w, call) =>
      expect(out).toMatchObject({ id: field(call.input, 'userId'), suspendedUntil: expect.any(String) }),
    invalid: { userId: '1', until: 'next tuesday' },
  },
  'user.unsuspend': {
    valid: async (w) => {
      const account = await w.account();
      await w.setup('user.suspend', 'mutation', { userId: account.id }, w.moderator);
      return { as: w.moderator, input: { userId: account.id } };
    },
    check: (out, _w, call) =>
      expect(out).toMatchObject({ id: field(call.input, 'userId'), suspendedUntil: null }),
    invalid: { userId: -1 },
  },
  'user.list': {
    valid: async (w) => ({ as: w.moderator, input: { q: w.user.username } }),
    check: (out, w) => expect(items(out)).toContainEqual(expect.objectContaining({ id: w.user.id })),
    invalid: { limit: 0 },
  },

  'user.privileges': {
    valid: async (w) => ({ as: w.user }),
    check: (out) =>
      expect(out).toMatchObject({
        preset: 'team',
        privileges: expect.arrayContaining([
          { name: 'voteDown', threshold: 0, granted: true },
          { name: 'editOthers', threshold: null, granted: false },
        ]),
      }),
    invalid: UNEXPECTED,
  },
  'admin.settings.get': {
    valid: async (w) => ({ as: w.admin }),
    check: (out) =>
      expect(out).toMatchObject({
        privilegePreset: 'team',
        flagsToHide: 3,
        effective: { voteUp: 0, review: null },
      }),
    invalid: UNEXPECTED,
  },
  'admin.settings.set': {
    // Sets what is already in force, so the other fixtures run under the default rules in any order.
    valid: async (w) => ({ as: w.admin, input: { privilegePreset: 'team', closeVotesToClose: 3 } }),
    check: async (out, w, _call, again) => {
      expect(out).toMatchObject({ privilegePreset: 'team', closeVotesToClose: 3 });
      expect(await again('admin.settings.get', undefined, w.admin)).toEqual(out);
    },
    invalid: { thresholds: { voteUp: -1 } },
  },

  'question.create': {
    valid: async (w) => ({
      as: w.user,
      input: { title: `Judged by the vendor ${unique()}`, body: BODY, tags: ['judge', 'Judge'] },
    }),
    check: (out, w, call) =>
      expect(out).toMatchObject({
        title: field(call.input, 'title'),
        tags: ['judge'],
        author: { id: w.user.id },
        answerCount: 0,
      }),
    invalid: { title: 'short', body: BODY, tags: [] },
  },
  'question.byId': {
    valid: async (w) => ({ as: null, input: { id: w.questionId } }),
    check: (out, w) =>
      expect(out).toMatchObject({
        id: w.questionId,
        tags: [w.tag],
        author: { id: w.admin.id },
        answers: expect.arrayContaining([expect.objectContaining({ id: w.answerId })]),
      }),
    invalid: NOT_AN_ID,
  },
  'question.list': {
    valid: async (w) => ({ as: null, input: { tag: w.tag } }),
    check: (out, w) => expect(items(out)).toContainEqual(expect.objectContaining({ id: w.questionId })),
    invalid: { sort: 'random' },
  },
  'question.search': {
    valid: async (w) => ({ as: null, input: { q: w.word } }),
    check: (out, w) => expect(items(out)[0]).toMatchObject({ id: w.questionId }),
    invalid: { q: '   ' },
  },
  'question.update': {
    valid: async (w) => ({
      as: w.user,
      input: { id: await w.question(w.user), title: 'A better title, judged' },
    }),
    check: (out, _w, call) =>
      expect(out).toMatchObject({ id: field(call.input, 'id'), title: 'A better title, judged' }),
    invalid: { id: '1', title: 'short' },
  },
  'question.revisions': {
    valid: async (w) => ({ as: null, input: { id: w.questionId } }),
    check: (out, w) =>
      expect(out).toEqual([expect.objectContaining({ editor: expect.objectContaining({ id: w.admin.id }) })]),
    invalid: NOT_AN_ID,
  },
  'question.delete': {
    valid: async (w) => ({ as: w.user, input: { id: await w.question(w.user) } }),
    check: async (out, _w, call, again) => {
      expect(out).toEqual({ ok: true });
      await expect(again('question.byId', call.input, null)).rejects.toMatchObject({
        data: { code: 'NOT_FOUND' },
      });
    },
    invalid: NOT_AN_ID,
  },
  'question.restore': {
    valid: async (w) => {
      const id = await w.question(w.user);
      await w.setup('question.delete', 'mutation', { id }, w.user);
      return { as: w.moderator, input: { id } };
    },
    check: (out, _w, call) => expect(out).toMatchObject({ id: field(call.input, 'id'), deleted: false }),
    invalid: NOT_AN_ID,
  },

  'answer.create': {
    valid: async (w) => ({ as: w.user, input: { questionId: w.questionId, body: `${BODY} ${unique()}` } }),
    check: (out, w, call) =>
      expect(out).toMatchObject({
        questionId: w.questionId,
        body: field(call.input, 'body'),
        author: { id: w.user.id },
        accepted: false,
      }),
    invalid: { questionId: '1', body: 'too short' },
  },
  'answer.update': {
    valid: async (w) => ({
      as: w.user,
      input: { id: await w.answer(w.user, w.questionId), body: `An edited answer, judged ${unique()}` },
    }),
    check: (out, _w, call) =>
      expect(out).toMatchObject({ id: field(call.input, 'id'), body: field(call.input, 'body') }),
    invalid: { id: '1', body: '' },
  },
  'answer.delete': {
    valid: async (w) => ({ as: w.user, input: { id: await w.answer(w.user, w.questionId) } }),
    check: (out) => expect(out).toEqual({ ok: true }),
    invalid: NOT_AN_ID,
  },
  'answer.restore': {
    valid: async (w) => {
      const id = await w.answer(w.user, w.questionId);
      await w.setup('answer.delete', 'mutation', { id }, w.user);
      return { as: w.moderator, input: { id } };
    },
    check: (out, _w, call) => expect(out).toMatchObject({ id: field(call.input, 'id'), deleted: false }),
    invalid: NOT_AN_ID,
  },
  'answer.accept': {
    valid: async (w) => {
      const questionId = await w.question(w.user);
      return { as: w.user, input: { answerId: await w.answer(w.moderator, questionId) } };
    },
    check: (out, _w, call) => expect(out).toMatchObject({ acceptedAnswerId: field(call.input, 'answerId') }),
    invalid: { answerId: '' },
  },
  'answer.unaccept': {
    valid: async (w) => {
      const questionId = await w.question(w.user);
      const answerId = await w.answer(w.moderator, questionId);
      await w.setup('answer.accept', 'mutation', { answerId }, w.user);
      return { as: w.user, input: { answerId } };
    },
    check: (out) => expect(out).toMatchObject({ acceptedAnswerId: null }),
    invalid: { answerId: '0' },
  },
  'answer.revisions': {
    valid: async (w) => ({ as: null, input: { id: w.answerId } }),
    check: (out, w) =>
      expect(out).toEqual([expect.objectContaining({ editor: expect.objectContaining({ id: w.user.id }) })]),
    invalid: NOT_AN_ID,
  },
  'answer.byUser': {
    valid: async (w) => ({ as: null, input: { userId: w.user.id } }),
    check: (out, w) =>
      expect(items(out)).toContainEqual(
        expect.objectContaining({ id: w.answerId, questionId: w.questionId }),
      ),
    invalid: { userId: 'me' },
  },

  'tag.list': {
    valid: async (w) => ({ as: null, input: { q: w.tag.slice(0, 6) } }),
    check: (out, w) => expect(out).toContainEqual({ slug: w.tag, usageCount: expect.any(Number) }),
    invalid: { limit: 1000 },
  },
  'tag.popular': {
    valid: async () => ({ as: null, input: { limit: 100 } }),
    check: (out, w) => expect(out).toContainEqual({ slug: w.tag, usageCount: expect.any(Number) }),
    invalid: { q: 42 },
  },

  'reply.create': {
    valid: async (w) => ({
      as: w.user,
      input: { targetType: 'answer', targetId: w.answerId, body: `A reply, judged ${unique()}` },
    }),
    check: (out, w, call) =>
      expect(out).toMatchObject({
        targetId: w.answerId,
        depth: 0,
        body: field(call.input, 'body'),
        deleted: false,
      }),
    invalid: { targetType: 'comment', targetId: '1', body: 'x' },
  },
  'reply.update': {
    valid: async (w) => ({
      as: w.user,
      input: { id: await w.reply(w.user, w.questionId), body: `Edited, judged ${unique()}` },
    }),
    check: (out, _w, call) =>
      expect(out).toMatchObject({ id: field(call.input, 'id'), body: field(call.input, 'body') }),
    invalid: { id: '1', body: '   ' },
  },
  'reply.delete': {
    valid: async (w) => ({ as: w.user, input: { id: await w.reply(w.user, w.questionId) } }),
    check: (out) => expect(out).toEqual({ ok: true }),
    invalid: NOT_AN_ID,
  },
  'reply.thread': {
    valid: async (w) => ({ as: null, input: { targetType: 'question', targetId: w.questionId } }),
    check: (out, w) => {
      expect(items(out)).toContainEqual(
        expect.objectContaining({ id: w.replyId, author: expect.objectContaining({ id: w.moderator.id }) }),
      );
      expect(field(out, 'total')).toBeGreaterThanOrEqual(1);
    },
    invalid: { targetType: 'question', targetId: '1', maxDepth: 0 },
  },

  'reaction.set': {
    valid: async (w) => ({
      as: w.moderator,
      input: { targetType: 'question', targetId: w.questionId, value: 'like' },
    }),
    check: (out) => expect(out).toMatchObject({ mine: 'like', likes: expect.any(Number) }),
    invalid: { targetType: 'question', targetId: '1', value: 'love' },
  },

  'flag.create': {
    valid: async (w) => ({
      as: w.moderator,
      input: {
        targetType: 'question',
        targetId: await w.question(w.user),
        reason: 'off-topic',
        note: 'judged',
      },
    }),
    check: (out, _w, call) =>
      expect(out).toMatchObject({
        targetId: field(call.input, 'targetId'),
        reason: 'off-topic',
        status: 'open',
      }),
    invalid: { targetType: 'question', targetId: '1', reason: 'boring' },
  },
  'review.list': {
    valid: async (w) => {
      await w.setup(
        'flag.create',
        'mutation',
        { targetType: 'question', targetId: await w.question(w.user), reason: 'needs-moderator' },
        w.admin,
      );
      return { as: w.moderator, input: { queue: 'flags' } };
    },
    check: (out) => expect(items(out)[0]).toMatchObject({ queue: 'flags', actions: expect.any(Array) }),
    invalid: { queue: 'everything' },
  },
  'review.resolve': {
    valid: async (w) => {
      const targetId = await w.question(w.user);
      await w.setup('flag.create', 'mutation', { targetType: 'question', targetId, reason: 'rude' }, w.admin);
      const page = await w.setup('review.list', 'query', { queue: 'flags', limit: 100 }, w.moderator);
      const item = items(page).find((entry) => field(field(entry, 'target'), 'id') === targetId);
      return { as: w.moderator, input: { id: field(item, 'id'), action: 'dismiss' } };
    },
    check: (out, w) =>
      expect(out).toMatchObject({ decision: { action: 'dismiss', by: { id: w.moderator.id } }, actions: [] }),
    invalid: { id: '1', action: 'explode' },
  },
  'edit.suggest': {
    valid: async (w) => ({
      as: w.user,
      input: { targetType: 'question', targetId: await w.question(w.admin), body: `${BODY} Suggested.` },
    }),
    check: (out, _w, call) =>
      expect(out).toMatchObject({ targetId: field(call.input, 'targetId'), state: 'pending' }),
    invalid: { targetType: 'question', targetId: '1' },
  },
  'question.close': {
    valid: async (w) => ({
      as: w.moderator,
      input: { id: await w.question(w.user), reason: 'opinion-based' },
    }),
    check: (out, w) =>
      expect(out).toMatchObject({ closed: { reason: 'opinion-based', by: { id: w.moderator.id } } }),
    invalid: { id: '1', reason: 'duplicate' },
  },
  'question.reopen': {
    valid: async (w) => {
      const id = await w.question(w.user);
      await w.setup('question.close', 'mutation', { id, reason: 'needs-details' }, w.moderator);
      return { as: w.moderator, input: { id } };
    },
    check: (out, _w, call) =>
      expect(out).toMatchObject({ questionId: field(call.input, 'id'), closed: null }),
    invalid: NOT_AN_ID,
  },
  'question.similar': {
    valid: async (w) => ({ as: null, input: { title: `${w.word} anything` } }),
    check: (out, w) => expect(Array.isArray(out) ? out[0] : out).toMatchObject({ id: w.questionId }),
    invalid: { title: '   ' },
  },

  'follow.follow': {
    valid: async (w) => ({ as: w.moderator, input: { userId: w.user.id } }),
    check: (out) => expect(out).toMatchObject({ following: true, followers: expect.any(Number) }),
    invalid: { userId: '1.5' },
  },
  'follow.unfollow': {
    valid: async (w) => ({ as: w.admin, input: { userId: w.moderator.id } }),
    check: (out) => expect(out).toMatchObject({ following: false }),
    invalid: { userId: null },
  },
  'follow.status': {
    valid: async (w) => ({ as: w.user, input: { userId: w.admin.id } }),
    check: (out) => expect(out).toEqual({ following: true }),
    invalid: {},
  },
  'follow.followers': {
    valid: async (w) => ({ as: null, input: { userId: w.admin.id } }),
    check: (out, w) => expect(items(out)).toContainEqual(expect.objectContaining({ id: w.user.id })),
    invalid: { userId: '1', limit: 101 },
  },
  'follow.following': {
    valid: async (w) => ({ as: null, input: { userId: w.user.id } }),
    check: (out, w) => expect(items(out)).toContainEqual(expect.objectContaining({ id: w.admin.id })),
    invalid: { userId: '1', cursor: 7 },
  },

  'feed.list': {
    valid: async (w) => ({ as: w.user, input: {} }),
    check: (out, w) =>
      expect(items(out)).toContainEqual(expect.objectContaining({ type: 'question', id: w.questionId })),
    invalid: { limit: 'many' },
  },

  'user.notificationSettings': {
    valid: async (w) => ({ as: w.user }),
    check: (out) => expect(out).toMatchObject({ answer: expect.any(String), watchedTag: expect.any(String) }),
    invalid: UNEXPECTED,
  },
  'user.setNotificationSettings': {
    valid: async (w) => ({ as: w.moderator, input: { watchedTag: 'weekly' } }),
    check: (out) => expect(out).toMatchObject({ watchedTag: 'weekly', answer: 'instant' }),
    invalid: { answer: 'hourly' },
  },
  'watch.tag': {
    valid: async (w) => ({ as: w.user, input: { tag: w.tag } }),
    check: (out) => expect(out).toEqual({ watching: true }),
    invalid: { tag: '' },
  },
  'watch.untag': {
    valid: async (w) => ({ as: w.moderator, input: { tag: w.tag } }),
    check: (out) => expect(out).toEqual({ watching: false }),
    invalid: { tag: 42 },
  },
  'watch.question': {
    valid: async (w) => ({ as: w.moderator, input: { questionId: w.questionId } }),
    check: (out) => expect(out).toEqual({ watching: true }),
    invalid: { questionId: 'x' },
  },
  'watch.unquestion': {
    valid: async (w) => ({ as: w.moderator, input: { questionId: w.questionId } }),
    check: (out) => expect(out).toEqual({ watching: false }),
    invalid: {},
  },
  'watch.list': {
    // The admin asked the judged question, so watches it.
    valid: async (w) => ({ as: w.admin }),
    check: (out, w) =>
      expect(field(out, 'questions')).toContainEqual(expect.objectContaining({ id: w.questionId })),
    invalid: UNEXPECTED,
  },
  'bookmark.add': {
    valid: async (w) => ({ as: w.user, input: { targetType: 'answer', targetId: w.answerId } }),
    check: (out) => expect(out).toEqual({ bookmarked: true }),
    invalid: { targetType: 'reply', targetId: '1' },
  },
  'bookmark.remove': {
    valid: async (w) => {
      const input = { targetType: 'question', targetId: w.questionId };
      await w.setup('bookmark.add', 'mutation', input, w.moderator);
      return { as: w.moderator, input };
    },
    check: (out) => expect(out).toEqual({ bookmarked: false }),
    invalid: { targetType: 'question' },
  },
  'bookmark.list': {
    valid: async (w) => {
      await w.setup('bookmark.add', 'mutation', { targetType: 'question', targetId: w.questionId }, w.admin);
      return { as: w.admin, input: {} };
    },
    check: (out, w) =>
      expect(items(out)).toContainEqual(
        expect.objectContaining({ targetType: 'question', targetId: w.questionId }),
      ),
    invalid: { limit: 0 },
  },

  'notification.list': {
    valid: async (w) => ({ as: w.user, input: {} }),
    check: (out, w) =>
      expect(items(out)).toContainEqual(
        expect.objectContaining({ type: 'reply', actor: expect.objectContaining({ id: w.moderator.id }) }),
      ),
    invalid: { unreadOnly: 'yes' },
  },
  'notification.markRead': {
    valid: async (w) => ({ as: w.admin, input: {} }),
    check: (out) => expect(out).toEqual({ ok: true, unread: 0 }),
    invalid: { ids: [] },
  },
  'notification.unreadCount': {
    // The user's notifications are never marked read here: the moderator's reply stays unread.
    valid: async (w) => ({ as: w.user }),
    check: (out) => expect(field(out, 'count')).toBeGreaterThanOrEqual(1),
    invalid: UNEXPECTED,
  },

  'oauth.providers': {
    valid: async () => ({ as: null }),
    check: (out) => expect(out).toEqual({ github: false, google: false }),
    invalid: UNEXPECTED,
  },
  'oauth.accounts': {
    valid: async (w) => ({ as: w.user }),
    check: (out) => expect(out).toEqual({ accounts: [], hasPassword: true }),
    invalid: UNEXPECTED,
  },
  'oauth.unlink': {
    valid: async (w) => {
      const account = await w.account();
      await w.server.deps.db
        .insert(oauthAccounts)
        .values({ provider: 'github', providerUserId: `gh-${account.id}`, userId: Number(account.id) });
      return { as: account, input: { provider: 'github' } };
    },
    check: (out) => expect(out).toEqual({ accounts: [], hasPassword: true }),
    invalid: { provider: 'myspace' },
  },
};

let counter = 0;
/** A short suffix no other name in this run has. */
function unique(): string {
  counter += 1;
  return `${counter}${Math.random().toString(36).slice(2, 6)}`;
}

const procedures = listProcedureTypes();

describe('the vendor client (@trpc/client) calls every procedure', () => {
  let w: World;

  beforeAll(async () => {
    const generous = { points: 100_000, durationSeconds: 60 };
    // One server for all three links; no rate limit may refuse the hundreds of calls of one run.
    const server = await startTestServer({
      rateLimits: {
        loginAccountIp: generous,
        loginIp: generous,
        register: generous,
        otpRequestAccountIp: generous,
        otpRequest: generous,
        otpTriesIp: generous,
        otpTries: 5,
        writes: generous,
      },
    });
    const setup: World['setup'] = (path, type, input, as) =>
      ok(server.url, path, type, input, as?.token ?? null);
    const admin = await register(server.url, 'judge_admin');
    const moderator = await register(server.url, 'judge_moderator');
    const user = await register(server.url, 'judge_user');
    await setup('user.setRole', 'mutation', { userId: moderator.id, role: 'moderator' }, admin);
    const idOf = (output: unknown) => {
      const id = field(output, 'id');
      if (typeof id !== 'string') throw new Error(`no id in ${JSON.stringify(output)}`);
      return id;
    };
    const question = async (
      author: SignedUp,
      title = `Vendor judged question ${unique()}`,
      tags = ['judge'],
    ) => idOf(await setup('question.create', 'mutation', { title, body: BODY, tags }, author));
    const answer = async (author: SignedUp, questionId: string) =>
      idOf(await setup('answer.create', 'mutation', { questionId, body: `${BODY} ${unique()}` }, author));
    const reply = async (author: SignedUp, questionId: string) =>
      idOf(
        await setup(
          'reply.create',
          'mutation',
          { targetType: 'question', targetId: questionId, body: BODY },
          author,
        ),
      );

    const tag = 'vendor-judge';
    const word = 'quokkazanzibar';
    const questionId = await question(admin, `Which ${word} does the vendor client call?`, [tag]);
    const answerId = await answer(user, questionId);
    const replyId = await reply(moderator, questionId);
    // The moderator replies to the user's answer: the user has an unread notification.
    await setup(
      'reply.create',
      'mutation',
      { targetType: 'answer', targetId: answerId, body: BODY },
      moderator,
    );
    await setup('follow.follow', 'mutation', { userId: admin.id }, user);
    await setup('follow.follow', 'mutation', { userId: moderator.id }, admin);
    w = {
      server,
      admin,
      moderator,
      user,
      questionId,
      answerId,
      replyId,
      tag,
      word,
      account: () => register(server.url, `judged_${unique()}`),
      question: (author) => question(author),
      answer,
      reply,
      setup,
    };
  });
  afterAll(() => w?.server.stop());

  it('uses the published @trpc/client of the same version as @trpc/server', () => {
    const require = createRequire(import.meta.url);
    const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
    expect(version('@trpc/client')).toBe(version('@trpc/server'));
  });

  it('has a fixture for every procedure of the router, and nothing else', () => {
    const missing = procedures.filter((p) => !(p.path in FIXTURES)).map((p) => p.path);
    expect(missing, 'add a fixture to FIXTURES in vendor-client.test.ts').toEqual([]);
    const stale = Object.keys(FIXTURES).filter((path) => !procedures.some((p) => p.path === path));
    expect(stale, 'these fixtures name no procedure').toEqual([]);
  });

  for (const linkName of Object.keys(LINKS) as LinkName[]) {
    describe(linkName, () => {
      const clients = new Map<string, TRPCUntypedClient<AppRouter>>();
      /** Whether each response was streamed (chunked): the stock adapter's JSON lines. */
      const streamed = new Set<boolean>();
      const observingFetch: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        streamed.add(response.headers.get('transfer-encoding') === 'chunked');
        return response;
      };
      /** One client per caller, as an application has one per signed-in user. */
      const clientFor = (who: SignedUp | null) => {
        const key = who?.token ?? '';
        let client = clients.get(key);
        if (!client) {
          const headers: Record<string, string> = who ? { authorization: `Bearer ${who.token}` } : {};
          const link = LINKS[linkName]({ url: `${w.server.url}/trpc`, headers, fetch: observingFetch });
          client = createTRPCUntypedClient<AppRouter>({ links: [link] });
          clients.set(key, client);
        }
        return client;
      };
      const typeOf = (path: string) => procedures.find((p) => p.path === path)?.type;
      const call: Caller = (path, input, who) => {
        const client = clientFor(who);
        const type = typeOf(path);
        if (type === 'subscription') return firstEvent(client, path, input);
        return type === 'mutation' ? client.mutation(path, input) : client.query(path, input);
      };

      for (const { path, type } of procedures) {
        it(`${path} (${type}) answers valid input`, async () => {
          if (type !== 'query' && type !== 'mutation' && type !== 'subscription') {
            throw new Error(
              `${path} is a ${type}: add httpSubscriptionLink (splitLink on op.type) to LINKS in vendor-client.test.ts and a fixture that reads its first event`,
            );
          }
          const fixture = FIXTURES[path];
          if (!fixture)
            throw new Error(`no fixture for ${path}: add one to FIXTURES in vendor-client.test.ts`);
          const prepared = await fixture.valid(w);
          const output = await call(path, prepared.input, prepared.as);
          await fixture.check(output, w, prepared, call);
        });
      }

      it('refuses one invalid input to every procedure with BAD_REQUEST and a sentence, all at once', async () => {
        // Sent together, so the batch links carry many calls per request (queries and mutations apart).
        const outcomes = await Promise.all(
          procedures.map(async ({ path, type }) => {
            const fixture = FIXTURES[path];
            if (!fixture) return { path, outcome: 'no fixture' };
            if (type !== 'query' && type !== 'mutation' && type !== 'subscription') {
              return { path, outcome: `no link for a ${type}` };
            }
            try {
              await call(path, fixture.invalid, w.admin);
              return { path, outcome: 'succeeded' };
            } catch (error) {
              if (!(error instanceof TRPCClientError))
                return { path, outcome: `not a TRPCClientError: ${error}` };
              const data: unknown = error.data;
              return {
                path,
                outcome: {
                  code: field(data, 'code'),
                  httpStatus: field(data, 'httpStatus'),
                  // A human sentence: words, not a JSON dump of validation issues or a stack.
                  human:
                    /[A-Za-z]{3,} [A-Za-z]{2,}/.test(error.message) &&
                    !/^\s*[[{]|\n\s+at /.test(error.message),
                },
              };
            }
          }),
        );
        const expected = { code: 'BAD_REQUEST', httpStatus: 400, human: true };
        const wrong = outcomes.filter(({ outcome }) => JSON.stringify(outcome) !== JSON.stringify(expected));
        expect(wrong).toEqual([]);
        expect(outcomes).toHaveLength(procedures.length);
        // The admin's session survived every refused call (auth.logout and logoutAll included).
        expect(await call('auth.me', undefined, w.admin)).toMatchObject({ id: w.admin.id });
      });

      const stream = linkName === 'httpBatchStreamLink';
      it(
        stream
          ? 'was answered as a stream (the stock adapter)'
          : 'was answered in plain JSON, not streamed (the fast path takes these)',
        async () => {
          await call('health.check', undefined, null);
          expect([...streamed]).toEqual([stream]);
        },
      );
    });
  }
});
