import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultApiConfig, type SessionUser } from '@devflow/api';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestUser,
  type TestDeps,
} from '@devflow/api/testing';
import { answers, oauthAccounts, questions, replies, reviewItems } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProcedures, listProcedureTypes, procedureAt } from '../testing/procedures';

/** Who calls: the contract's roles, plus the author of the resource and a stranger to it. */
const IDENTITIES = ['anonymous', 'author', 'other', 'suspended', 'moderator', 'admin'] as const;
type Identity = (typeof IDENTITIES)[number];

/**
 * What must happen: `ok` (the call succeeds), a refusal code, or `allowed` (any answer but an
 * authorization refusal — used where the input cannot be valid for everyone, e.g. a wrong OTP code).
 */
type Expectation = 'ok' | 'allowed' | 'UNAUTHORIZED' | 'FORBIDDEN';
type Expectations = Record<Identity, Expectation>;

const U = 'UNAUTHORIZED';
const F = 'FORBIDDEN';
/** The roles of the README's API contract (SECURITY.md, Authorization) — one line per kind of rule. */
const anyone: Expectations = {
  anonymous: 'ok',
  author: 'ok',
  other: 'ok',
  suspended: 'ok',
  moderator: 'ok',
  admin: 'ok',
};
const signedIn: Expectations = {
  anonymous: U,
  author: 'ok',
  other: 'ok',
  suspended: 'ok',
  moderator: 'ok',
  admin: 'ok',
};
const writer: Expectations = {
  anonymous: U,
  author: 'ok',
  other: 'ok',
  suspended: F,
  moderator: 'ok',
  admin: 'ok',
};
const authorOrModerator: Expectations = {
  anonymous: U,
  author: 'ok',
  other: F,
  suspended: F,
  moderator: 'ok',
  admin: 'ok',
};
const questionAuthorOnly: Expectations = {
  anonymous: U,
  author: 'ok',
  other: F,
  suspended: F,
  moderator: F,
  admin: F,
};
const moderatorOnly: Expectations = {
  anonymous: U,
  author: F,
  other: F,
  suspended: F,
  moderator: 'ok',
  admin: 'ok',
};
const adminOnly: Expectations = {
  anonymous: U,
  author: F,
  other: F,
  suspended: F,
  moderator: F,
  admin: 'ok',
};

/** Makes fresh fixtures for one cell and returns the input to call with. */
type Setup = (fx: Fixtures) => Promise<unknown>;
type Row = { path: string; expect: Expectations; setup: Setup };

type Fixtures = {
  deps: TestDeps;
  users: Record<Exclude<Identity, 'anonymous'>, SessionUser>;
  /** A unique suffix for names and emails. */
  unique(): string;
};

const body = 'A body that is long enough for every validation rule.';

async function questionBy(fx: Fixtures, author: SessionUser) {
  return createTestQuestion(fx.deps, author);
}

async function replyBy(fx: Fixtures, author: SessionUser) {
  const question = await questionBy(fx, fx.users.other);
  const [row] = await fx.deps.db
    .insert(replies)
    .values({
      targetType: 'question',
      targetId: question.id,
      authorId: author.id,
      body,
      bodyHtml: `<p>${body}</p>`,
    })
    .returning();
  if (!row) throw new Error('no reply');
  return row;
}

/** Every mutation of the contract, with who may call it. */
const MATRIX: Row[] = [
  {
    path: 'auth.register',
    expect: anyone,
    setup: async (fx) => {
      const name = `reg_${fx.unique()}`;
      return { email: `${name}@example.com`, username: name, password: 'Correct-Horse-Battery-Staple-42' };
    },
  },
  {
    path: 'auth.login',
    expect: anyone,
    setup: async (fx) => {
      const name = `login_${fx.unique()}`;
      const password = 'Correct-Horse-Battery-Staple-42';
      await procedureAt(
        callerFor(fx.deps, null),
        'auth.register',
      )({ email: `${name}@example.com`, username: name, password });
      return { login: name, password };
    },
  },
  { path: 'auth.logout', expect: signedIn, setup: async () => undefined },
  { path: 'auth.logoutAll', expect: signedIn, setup: async () => undefined },
  {
    path: 'auth.requestEmailVerification',
    expect: {
      ...signedIn,
      author: 'allowed',
      other: 'allowed',
      suspended: 'allowed',
      moderator: 'allowed',
      admin: 'allowed',
    },
    setup: async () => undefined,
  },
  {
    path: 'auth.verifyEmail',
    expect: {
      ...signedIn,
      author: 'allowed',
      other: 'allowed',
      suspended: 'allowed',
      moderator: 'allowed',
      admin: 'allowed',
    },
    setup: async () => ({ code: '000000' }),
  },
  {
    path: 'auth.requestPasswordReset',
    expect: anyone,
    setup: async (fx) => ({ email: `nobody_${fx.unique()}@example.com` }),
  },
  {
    path: 'auth.resetPassword',
    expect: {
      anonymous: 'allowed',
      author: 'allowed',
      other: 'allowed',
      suspended: 'allowed',
      moderator: 'allowed',
      admin: 'allowed',
    },
    setup: async (fx) => ({
      email: fx.users.other.email,
      code: '000000',
      newPassword: 'Another-Correct-Horse-77',
    }),
  },
  { path: 'user.updateProfile', expect: writer, setup: async () => ({ bio: 'Updated bio.' }) },
  {
    path: 'user.setRole',
    expect: adminOnly,
    setup: async (fx) => ({ userId: String((await createTestUser(fx.deps)).id), role: 'moderator' }),
  },
  {
    path: 'user.suspend',
    expect: moderatorOnly,
    setup: async (fx) => ({ userId: String((await createTestUser(fx.deps)).id) }),
  },
  {
    path: 'user.unsuspend',
    expect: moderatorOnly,
    setup: async (fx) => ({
      userId: String(
        (await createTestUser(fx.deps, { suspendedUntil: new Date(Date.now() + 86_400_000) })).id,
      ),
    }),
  },
  {
    path: 'question.create',
    expect: writer,
    setup: async () => ({ title: 'How do I test authorization?', body, tags: ['security'] }),
  },
  {
    path: 'question.update',
    expect: authorOrModerator,
    setup: async (fx) => ({
      id: String((await questionBy(fx, fx.users.author)).id),
      body: `${body} Edited.`,
    }),
  },
  {
    path: 'question.delete',
    expect: authorOrModerator,
    setup: async (fx) => ({ id: String((await questionBy(fx, fx.users.author)).id) }),
  },
  {
    path: 'question.restore',
    expect: moderatorOnly,
    setup: async (fx) => ({
      id: String((await createTestQuestion(fx.deps, fx.users.author, { deletedAt: new Date() })).id),
    }),
  },
  {
    path: 'answer.create',
    expect: writer,
    setup: async (fx) => ({ questionId: String((await questionBy(fx, fx.users.other)).id), body }),
  },
  {
    path: 'answer.update',
    expect: authorOrModerator,
    setup: async (fx) => {
      const answer = await createTestAnswer(fx.deps, fx.users.author, await questionBy(fx, fx.users.other));
      return { id: String(answer.id), body: `${body} Edited.` };
    },
  },
  {
    path: 'answer.delete',
    expect: authorOrModerator,
    setup: async (fx) => {
      const answer = await createTestAnswer(fx.deps, fx.users.author, await questionBy(fx, fx.users.other));
      return { id: String(answer.id) };
    },
  },
  {
    path: 'answer.accept',
    expect: questionAuthorOnly,
    setup: async (fx) => {
      const answer = await createTestAnswer(fx.deps, fx.users.other, await questionBy(fx, fx.users.author));
      return { answerId: String(answer.id) };
    },
  },
  {
    path: 'answer.unaccept',
    expect: questionAuthorOnly,
    setup: async (fx) => {
      const question = await questionBy(fx, fx.users.author);
      const answer = await createTestAnswer(fx.deps, fx.users.other, question);
      await fx.deps.db
        .update(questions)
        .set({ acceptedAnswerId: answer.id })
        .where(eq(questions.id, question.id));
      return { answerId: String(answer.id) };
    },
  },
  {
    path: 'answer.restore',
    expect: moderatorOnly,
    setup: async (fx) => {
      const answer = await createTestAnswer(fx.deps, fx.users.author, await questionBy(fx, fx.users.other));
      await fx.deps.db.update(answers).set({ deletedAt: new Date() }).where(eq(answers.id, answer.id));
      return { id: String(answer.id) };
    },
  },
  {
    path: 'reply.create',
    expect: writer,
    setup: async (fx) => ({
      targetType: 'question',
      targetId: String((await questionBy(fx, fx.users.other)).id),
      body: 'A reply with enough words.',
    }),
  },
  {
    path: 'reply.update',
    expect: authorOrModerator,
    setup: async (fx) => ({
      id: String((await replyBy(fx, fx.users.author)).id),
      body: 'An edited reply body.',
    }),
  },
  {
    path: 'reply.delete',
    expect: authorOrModerator,
    setup: async (fx) => ({ id: String((await replyBy(fx, fx.users.author)).id) }),
  },
  {
    path: 'reaction.set',
    expect: writer,
    // A post by someone outside the matrix: reacting to your own post is refused on its own grounds.
    setup: async (fx) => ({
      targetType: 'question',
      targetId: String((await questionBy(fx, await createTestUser(fx.deps))).id),
      value: 'like',
    }),
  },
  {
    path: 'follow.follow',
    expect: writer,
    setup: async (fx) => ({ userId: String((await createTestUser(fx.deps)).id) }),
  },
  {
    path: 'follow.unfollow',
    expect: writer,
    setup: async (fx) => ({ userId: String((await createTestUser(fx.deps)).id) }),
  },
  {
    path: 'oauth.unlink',
    expect: signedIn,
    // Every identity has GitHub and Google linked, so unlinking GitHub leaves a way to sign in.
    setup: async (fx) => {
      const links = Object.values(fx.users).flatMap((user) => [
        { provider: 'github' as const, providerUserId: `gh-${user.id}`, userId: user.id },
        { provider: 'google' as const, providerUserId: `gg-${user.id}`, userId: user.id },
      ]);
      await fx.deps.db.insert(oauthAccounts).values(links).onConflictDoNothing();
      return { provider: 'github' };
    },
  },
  { path: 'notification.markRead', expect: signedIn, setup: async () => ({}) },
  {
    path: 'flag.create',
    expect: writer,
    // A post by someone outside the matrix: flagging your own post is refused on its own grounds.
    setup: async (fx) => ({
      targetType: 'question',
      targetId: String((await questionBy(fx, await createTestUser(fx.deps))).id),
      reason: 'off-topic',
    }),
  },
  {
    // The default `team` preset keeps reviewing with moderators.
    path: 'review.resolve',
    expect: moderatorOnly,
    setup: async (fx) => {
      const question = await questionBy(fx, await createTestUser(fx.deps));
      await procedureAt(
        callerFor(fx.deps, await createTestUser(fx.deps)),
        'flag.create',
      )({ targetType: 'question', targetId: String(question.id), reason: 'off-topic' });
      const [item] = await fx.deps.db
        .select({ id: reviewItems.id })
        .from(reviewItems)
        .where(and(eq(reviewItems.targetType, 'question'), eq(reviewItems.targetId, question.id)));
      if (!item) throw new Error('no review item');
      return { id: String(item.id), action: 'dismiss' };
    },
  },
  {
    // Moderators may edit directly, so a suggestion from them is refused on its own grounds.
    path: 'edit.suggest',
    expect: { ...writer, moderator: 'allowed', admin: 'allowed' },
    setup: async (fx) => ({
      targetType: 'question',
      targetId: String((await questionBy(fx, await createTestUser(fx.deps))).id),
      body: `${body} Suggested.`,
    }),
  },
  {
    // The default `team` preset keeps close votes with moderators, who close at once.
    path: 'question.close',
    expect: moderatorOnly,
    setup: async (fx) => ({ id: String((await questionBy(fx, fx.users.author)).id), reason: 'off-topic' }),
  },
  {
    path: 'question.reopen',
    expect: moderatorOnly,
    setup: async (fx) => {
      const question = await questionBy(fx, fx.users.author);
      await fx.deps.db
        .update(questions)
        .set({ closedAt: new Date(), closeReason: 'off-topic', closedById: fx.users.moderator.id })
        .where(eq(questions.id, question.id));
      return { id: String(question.id) };
    },
  },
  { path: 'user.setNotificationSettings', expect: signedIn, setup: async () => ({ watchedTag: 'weekly' }) },
  // Watching and bookmarks are private preferences: every signed-in user, suspended ones too.
  {
    path: 'watch.tag',
    expect: signedIn,
    setup: async (fx) => {
      const tag = `watch-${fx.unique()}`;
      await callerFor(fx.deps, fx.users.other).question.create({
        title: 'A question with a tag to watch',
        body,
        tags: [tag],
      });
      return { tag };
    },
  },
  { path: 'watch.untag', expect: signedIn, setup: async () => ({ tag: 'never-used' }) },
  {
    path: 'watch.question',
    expect: signedIn,
    setup: async (fx) => ({ questionId: String((await questionBy(fx, fx.users.other)).id) }),
  },
  {
    path: 'watch.unquestion',
    expect: signedIn,
    setup: async (fx) => ({ questionId: String((await questionBy(fx, fx.users.other)).id) }),
  },
  {
    path: 'bookmark.add',
    expect: signedIn,
    setup: async (fx) => ({
      targetType: 'question',
      targetId: String((await questionBy(fx, fx.users.other)).id),
    }),
  },
  {
    path: 'bookmark.remove',
    expect: signedIn,
    // Everyone has saved the post, so each identity removes its own bookmark.
    setup: async (fx) => {
      const input = {
        targetType: 'question',
        targetId: String((await questionBy(fx, fx.users.other)).id),
      } as const;
      for (const user of Object.values(fx.users)) await callerFor(fx.deps, user).bookmark.add(input);
      return input;
    },
  },
  // Keeps the default preset, so the rows above are decided under the same rules whatever the order.
  { path: 'admin.settings.set', expect: adminOnly, setup: async () => ({ privilegePreset: 'team' }) },
];

/**
 * An event id beyond any the test database issues: a stream resuming from it starts with a `reload`
 * event at once, so an admitted subscription shows itself without waiting for a change.
 */
const UNKNOWN_EVENT_ID = '999999999';

/** Every subscription of the contract, with who may open it (`ok`: the stream opened and sent its first event). */
const SUBSCRIPTIONS: Row[] = [
  {
    path: 'live.question',
    expect: anyone,
    setup: async (fx) => ({
      questionId: String((await questionBy(fx, fx.users.author)).id),
      lastEventId: UNKNOWN_EVENT_ID,
    }),
  },
  { path: 'live.notifications', expect: signedIn, setup: async () => ({ lastEventId: UNKNOWN_EVENT_ID }) },
];

/**
 * Opens a subscription through the caller and reads its first event: a refusal is thrown by the call or
 * by the first read (the stream checks access before it opens). The stream is closed either way.
 */
async function openStream(caller: unknown, path: string, input: unknown): Promise<string> {
  try {
    const stream = (await procedureAt(caller, path)(input)) as AsyncIterable<unknown>;
    const iterator = stream[Symbol.asyncIterator]();
    try {
      const first = await iterator.next();
      return first.done ? 'ended without an event' : 'ok';
    } finally {
      await iterator.return?.();
    }
  } catch (error) {
    return error instanceof TRPCError ? error.code : `thrown ${String(error)}`;
  }
}

const unlimited = { points: 1_000_000, durationSeconds: 60 };

describe('authorization matrix: every mutation and subscription × every kind of caller (roles: SECURITY.md, Authorization)', () => {
  let fx: Fixtures;
  let outboxDir: string;
  const mutations = listProcedures().filter((p) => p.type === 'mutation');

  beforeAll(async () => {
    outboxDir = mkdtempSync(join(tmpdir(), 'devflow-outbox-'));
    const deps = await createTestDeps({
      mailOutbox: join(outboxDir, 'outbox.jsonl'),
      rateLimits: {
        ...defaultApiConfig().rateLimits,
        writes: unlimited,
        register: unlimited,
        loginIp: unlimited,
        loginAccountIp: unlimited,
        otpRequest: unlimited,
      },
    });
    let counter = 0;
    fx = {
      deps,
      unique: () => `${Date.now().toString(36)}${(counter++).toString(36)}`,
      users: {
        author: await createTestUser(deps),
        other: await createTestUser(deps),
        suspended: await createTestUser(deps, { suspendedUntil: new Date(Date.now() + 7 * 86_400_000) }),
        moderator: await createTestUser(deps, { role: 'moderator' }),
        admin: await createTestUser(deps, { role: 'admin' }),
      },
    };
  });
  afterAll(async () => {
    await fx?.deps.close();
    if (outboxDir) rmSync(outboxDir, { recursive: true, force: true });
  });

  it('has a row for every mutation the router has, and no row for one it lacks', () => {
    expect(MATRIX.map((row) => row.path).sort()).toEqual(mutations.map((p) => p.path).sort());
  });

  it('has a row for every subscription the router has, and no row for one it lacks', () => {
    const subscriptions = listProcedureTypes().filter((p) => p.type === 'subscription');
    expect(SUBSCRIPTIONS.map((row) => row.path).sort()).toEqual(subscriptions.map((p) => p.path).sort());
  });

  for (const row of SUBSCRIPTIONS) {
    it(`${row.path} (subscription): ${IDENTITIES.map((who) => `${who} ${row.expect[who]}`).join(', ')}`, async () => {
      const failures: string[] = [];
      for (const who of IDENTITIES) {
        const input = await row.setup(fx);
        const outcome = await openStream(
          callerFor(fx.deps, who === 'anonymous' ? null : fx.users[who]),
          row.path,
          input,
        );
        if (outcome !== row.expect[who]) failures.push(`${who}: expected ${row.expect[who]}, got ${outcome}`);
      }
      expect(failures).toEqual([]);
    });
  }

  for (const row of MATRIX) {
    it(`${row.path}: ${IDENTITIES.map((who) => `${who} ${row.expect[who]}`).join(', ')}`, async () => {
      const failures: string[] = [];
      for (const who of IDENTITIES) {
        const input = await row.setup(fx);
        const user = who === 'anonymous' ? null : fx.users[who];
        const outcome = await procedureAt(
          callerFor(fx.deps, user),
          row.path,
        )(input).then(
          () => 'ok',
          (error: unknown) => (error instanceof TRPCError ? error.code : `thrown ${String(error)}`),
        );
        const expected = row.expect[who];
        const fine =
          expected === 'allowed'
            ? outcome !== 'UNAUTHORIZED' && outcome !== 'FORBIDDEN' && outcome !== 'INTERNAL_SERVER_ERROR'
            : outcome === expected;
        if (!fine) failures.push(`${who}: expected ${expected}, got ${outcome}`);
      }
      expect(failures).toEqual([]);
    });
  }
});
