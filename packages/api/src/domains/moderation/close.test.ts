import { QUESTION_CLOSED_MESSAGE } from '@devflow/contract';
import { writeSiteSettings } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';

/**
 * Closing and reopening: moderators at once, privileged users by votes that expire (an injected clock moves
 * time), closed questions refuse answers and say why; `question.similar` for the ask form; suggested edits
 * become revisions when approved, and a stale one needs confirming.
 */

let deps: TestDeps;
let clock = new Date('2026-06-01T12:00:00Z');
let author: SessionUser;
let moderator: SessionUser;
let admin: SessionUser;
let counter = 0;
const word = `quokka${Date.now().toString(36)}`;
const DAY = 86_400_000;

const as = (user: SessionUser | null) => callerFor(deps, user);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: 'ok', message: '' }),
    (error: unknown) =>
      error instanceof TRPCError
        ? { code: error.code, message: error.message }
        : { code: 'thrown', message: String(error) },
  );

async function ask(title?: string, by: SessionUser = author) {
  counter += 1;
  return as(by).question.create({
    title: title ?? `Which ${word} flag enables strict mode, take ${counter}?`,
    body: `I need the ${word} strict mode for a project, attempt ${counter}, details follow.`,
    tags: ['closing'],
  });
}

beforeAll(async () => {
  deps = await createTestDeps({
    rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 100_000, durationSeconds: 60 } },
  });
  deps.clock = () => clock;
  author = await createTestUser(deps);
  moderator = await createTestUser(deps, { role: 'moderator' });
  admin = await createTestUser(deps, { role: 'admin' });
});
afterAll(() => deps.close());

describe('question.close by a moderator', () => {
  it('closes at once as a duplicate, shows the original, refuses answers, and reopens', async () => {
    const original = await ask(`How do I enable ${word} strict mode?`);
    const q = await ask();
    await as(null).question.byId({ id: q.id });
    const outcome = await as(moderator).question.close({
      id: q.id,
      reason: 'duplicate',
      duplicateOfId: original.id,
    });
    expect(outcome.closed).toMatchObject({
      reason: 'duplicate',
      duplicateOf: { id: original.id, title: original.title },
      by: { id: String(moderator.id) },
    });
    const page = await as(null).question.byId({ id: q.id });
    expect(page.closed).toMatchObject({ reason: 'duplicate', duplicateOf: { id: original.id } });
    const refused = await failure(
      as(await createTestUser(deps)).answer.create({
        questionId: q.id,
        body: 'An answer with enough words in it.',
      }),
    );
    expect(refused).toEqual({ code: 'FORBIDDEN', message: QUESTION_CLOSED_MESSAGE });
    expect((await failure(as(moderator).question.close({ id: q.id, reason: 'off-topic' }))).code).toBe(
      'CONFLICT',
    );
    await as(moderator).question.reopen({ id: q.id });
    expect((await as(null).question.byId({ id: q.id })).closed).toBeNull();
    await as(await createTestUser(deps)).answer.create({
      questionId: q.id,
      body: 'Now it takes answers again.',
    });
  });

  it('refuses a duplicate without an original, or of itself, and users without the privilege', async () => {
    const q = await ask();
    expect((await failure(as(moderator).question.close({ id: q.id, reason: 'duplicate' }))).code).toBe(
      'BAD_REQUEST',
    );
    expect(
      (await failure(as(moderator).question.close({ id: q.id, reason: 'duplicate', duplicateOfId: q.id })))
        .code,
    ).toBe('BAD_REQUEST');
    const refused = await failure(
      as(await createTestUser(deps)).question.close({ id: q.id, reason: 'off-topic' }),
    );
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toMatch(/moderators/i);
  });
});

describe('close votes', () => {
  it('close the question at closeVotesToClose votes with the reason most voters chose; votes expire', async () => {
    await writeSiteSettings(deps.db, {
      settings: { privilegePreset: 'community', closeVotesToClose: 3, closeVoteExpiryDays: 4 },
      updatedBy: admin.id,
    });
    try {
      const voters = [];
      for (let i = 0; i < 4; i += 1) voters.push(await createTestUser(deps, { role: 'user' }));
      const refused = await failure(
        as(voters[0] ?? null).question.close({ id: (await ask()).id, reason: 'off-topic' }),
      );
      expect(refused.code).toBe('FORBIDDEN');
      expect(refused.message).toMatch(/3,000 reputation; you have 0/);
      await writeSiteSettings(deps.db, {
        settings: {
          privilegePreset: 'community',
          thresholds: { closeVotes: 0, review: 0 },
          closeVoteExpiryDays: 4,
        },
        updatedBy: admin.id,
      });
      const [a, b, c, d] = voters as [SessionUser, SessionUser, SessionUser, SessionUser];
      const q = await ask();
      clock = new Date(clock.getTime() + DAY);
      expect(await as(a).question.close({ id: q.id, reason: 'opinion-based' })).toMatchObject({
        closed: null,
        votes: 1,
        votesNeeded: 3,
      });
      expect((await failure(as(a).question.close({ id: q.id, reason: 'off-topic' }))).code).toBe('CONFLICT');
      await as(b).question.close({ id: q.id, reason: 'off-topic' });
      // Five days later the first two votes have expired: the third vote is alone.
      clock = new Date(clock.getTime() + 5 * DAY);
      expect(await as(c).question.close({ id: q.id, reason: 'off-topic' })).toMatchObject({
        closed: null,
        votes: 1,
      });
      // The close-votes queue shows the pending vote.
      const item = (await as(moderator).review.list({ queue: 'close-votes', limit: 100 })).items.find(
        (i) => i.target.id === q.id,
      );
      expect(item?.closeVotes).toEqual([{ reason: 'off-topic', count: 1 }]);
      expect(item?.actions).toEqual(['close', 'leave-open']);
      await as(a).question.close({ id: q.id, reason: 'off-topic' });
      const closing = await as(d).question.close({ id: q.id, reason: 'needs-details' });
      expect(closing.closed).toMatchObject({ reason: 'off-topic', by: { id: String(d.id) } });
      expect((await as(null).question.byId({ id: q.id })).closed?.reason).toBe('off-topic');
      // The queue item was decided by the closing vote.
      const decided = (
        await as(moderator).review.list({ queue: 'close-votes', state: 'resolved', limit: 100 })
      ).items.find((i) => i.target.id === q.id);
      expect(decided?.decision?.action).toBe('close');
      // Reopen votes work the same way.
      await as(a).question.reopen({ id: q.id });
      await as(b).question.reopen({ id: q.id });
      expect((await as(c).question.reopen({ id: q.id })).closed).toBeNull();
    } finally {
      await writeSiteSettings(deps.db, { settings: {}, updatedBy: admin.id });
    }
  });

  it('a reviewer closes a question from the close-votes queue, or leaves it open', async () => {
    await writeSiteSettings(deps.db, { settings: { thresholds: { closeVotes: 0 } }, updatedBy: admin.id });
    try {
      const q1 = await ask();
      const q2 = await ask();
      await as(await createTestUser(deps)).question.close({ id: q1.id, reason: 'needs-details' });
      await as(await createTestUser(deps)).question.close({ id: q2.id, reason: 'needs-details' });
      const items = (await as(moderator).review.list({ queue: 'close-votes', limit: 100 })).items;
      const i1 = items.find((i) => i.target.id === q1.id);
      const i2 = items.find((i) => i.target.id === q2.id);
      await as(moderator).review.resolve({ id: i1?.id ?? '0', action: 'close' });
      await as(moderator).review.resolve({ id: i2?.id ?? '0', action: 'leave-open' });
      expect((await as(null).question.byId({ id: q1.id })).closed?.reason).toBe('needs-details');
      expect((await as(null).question.byId({ id: q2.id })).closed).toBeNull();
    } finally {
      await writeSiteSettings(deps.db, { settings: {}, updatedBy: admin.id });
    }
  });

  it('a reopen vote puts the closed question in the close-votes queue; a reviewer reopens it or leaves it closed', async () => {
    await writeSiteSettings(deps.db, { settings: { thresholds: { closeVotes: 0 } }, updatedBy: admin.id });
    try {
      const q1 = await ask();
      const q2 = await ask();
      for (const q of [q1, q2]) await as(moderator).question.close({ id: q.id, reason: 'off-topic' });
      expect((await as(await createTestUser(deps)).question.reopen({ id: q1.id })).votes).toBe(1);
      await as(await createTestUser(deps)).question.reopen({ id: q2.id });
      const items = (await as(moderator).review.list({ queue: 'close-votes', limit: 100 })).items;
      const i1 = items.find((i) => i.target.id === q1.id);
      const i2 = items.find((i) => i.target.id === q2.id);
      expect(i1).toMatchObject({ reopenVotes: 1, closeVotes: [], actions: ['reopen', 'leave-closed'] });
      expect((await failure(as(moderator).review.resolve({ id: i1?.id ?? '0', action: 'close' }))).code).toBe(
        'BAD_REQUEST',
      );
      await as(moderator).review.resolve({ id: i1?.id ?? '0', action: 'reopen' });
      await as(moderator).review.resolve({ id: i2?.id ?? '0', action: 'leave-closed' });
      expect((await as(null).question.byId({ id: q1.id })).closed).toBeNull();
      expect((await as(null).question.byId({ id: q2.id })).closed?.reason).toBe('off-topic');
      // Left closed, the reopen votes are dismissed: a new vote starts the count again.
      const again = await as(await createTestUser(deps)).question.reopen({ id: q2.id });
      expect(again.votes).toBe(1);
      // A moderator's reopening decides the open item.
      await as(moderator).question.reopen({ id: q2.id });
      const open = (await as(moderator).review.list({ queue: 'close-votes', limit: 100 })).items;
      expect(open.filter((i) => i.target.id === q2.id)).toEqual([]);
      const decided = (
        await as(moderator).review.list({ queue: 'close-votes', state: 'resolved', limit: 100 })
      ).items.filter((i) => i.target.id === q2.id);
      expect(decided.map((i) => i.decision?.action)).toEqual(['reopen', 'leave-closed']);
    } finally {
      await writeSiteSettings(deps.db, { settings: {}, updatedBy: admin.id });
    }
  });
});

describe('question.similar', () => {
  it('finds up to 5 live questions sharing words with a title, best first', async () => {
    const target = await ask(`Why is ${word} garbage collection so slow?`);
    for (let i = 0; i < 6; i += 1) await ask(`${word} tutorial part ${i} for beginners`);
    const similar = await as(null).question.similar({ title: `${word} garbage collection pauses` });
    expect(similar.length).toBeLessThanOrEqual(5);
    expect(similar[0]?.id).toBe(target.id);
    expect(await as(null).question.similar({ title: 'the and of' })).toEqual([]);
    expect((await failure(as(null).question.similar({ title: '  ' }))).code).toBe('BAD_REQUEST');
  });
});

describe('suggested edits', () => {
  it('become a revision by their author when approved', async () => {
    const q = await ask();
    const helper = await createTestUser(deps);
    const body = `I need the ${word} strict mode for a project; fixed the spelling here.`;
    const suggestion = await as(helper).edit.suggest({
      targetType: 'question',
      targetId: q.id,
      body,
    });
    expect(suggestion.state).toBe('pending');
    expect(
      (await failure(as(author).edit.suggest({ targetType: 'question', targetId: q.id, body }))).code,
    ).toBe('BAD_REQUEST');
    const item = (await as(moderator).review.list({ queue: 'suggested-edits', limit: 100 })).items.find(
      (i) => i.suggestedEdit?.id === suggestion.id,
    );
    expect(item?.suggestedEdit).toMatchObject({ stale: false, proposed: { body } });
    await as(moderator).review.resolve({ id: item?.id ?? '0', action: 'approve' });
    expect((await as(null).question.byId({ id: q.id })).body).toBe(body);
    const [latest] = await as(null).question.revisions({ id: q.id });
    expect(latest).toMatchObject({ body, editor: { id: String(helper.id) } });
  });

  it('shows the difference and refuses a stale approval (CONFLICT) unless confirmed', async () => {
    const q = await ask();
    const a = await as(author).answer.create({
      questionId: q.id,
      body: 'Use the strict flag in the config file.',
    });
    const helper = await createTestUser(deps);
    const suggestion = await as(helper).edit.suggest({
      targetType: 'answer',
      targetId: a.id,
      body: 'Use the `--strict` flag in the config file.',
    });
    await as(author).answer.update({ id: a.id, body: 'Use the strict flag in the project config file.' });
    const item = (await as(moderator).review.list({ queue: 'suggested-edits', limit: 100 })).items.find(
      (i) => i.suggestedEdit?.id === suggestion.id,
    );
    expect(item?.suggestedEdit).toMatchObject({
      stale: true,
      base: { body: 'Use the strict flag in the config file.' },
      current: { body: 'Use the strict flag in the project config file.' },
    });
    expect(
      (await failure(as(moderator).review.resolve({ id: item?.id ?? '0', action: 'approve' }))).code,
    ).toBe('CONFLICT');
    await as(moderator).review.resolve({ id: item?.id ?? '0', action: 'approve', confirm: true });
    const page = await as(null).question.byId({ id: q.id });
    expect(page.answers[0]?.body).toBe('Use the `--strict` flag in the config file.');
  });
});
