import { type Privilege, privilegeNames, privilegePresets } from '@devflow/contract';
import { reactions, replies } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestUser,
  createTestVotes,
  type TestDeps,
} from '../../testing';
import type { SessionUser } from '../../trpc/context';

/**
 * Every privilege threshold of both presets, through the API: the actions wired to a privilege
 * (`reaction.set`, `reply.create`, editing someone else's post) are refused one point below the threshold
 * with the message naming it and allowed at it; `user.privileges` reports every threshold, including the
 * privileges the moderation features use (flag, review, close votes).
 */

let deps: TestDeps;
let admin: SessionUser;
let moderator: SessionUser;
let poster: SessionUser;
let suspended: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps({
    rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 100_000, durationSeconds: 60 } },
  });
  admin = await createTestUser(deps, { role: 'admin' });
  moderator = await createTestUser(deps, { role: 'moderator' });
  poster = await createTestUser(deps);
  suspended = await createTestUser(deps, { suspendedUntil: new Date(Date.now() + 86_400_000) });
});

afterAll(async () => {
  await deps.close();
});

const DAY_MS = 86_400_000;

/** Noon UTC `daysAgo` days before today: every vote of one chunk falls in one UTC day. */
function noonDaysAgo(daysAgo: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 12) - daysAgo * DAY_MS);
}

/**
 * A user with exactly `reputation` under the community rules, from real dated vote rows: upvotes on
 * their answer (+10) and question (+5), at most 200 points a day (the cap), spread over past days; then
 * downvotes they cast on others' answers (−1 each) to come down to the exact number.
 */
async function communityUser(reputation: number): Promise<SessionUser> {
  const user = await createTestUser(deps);
  const question = await createTestQuestion(deps, user);
  const answer = await createTestAnswer(deps, user, await createTestQuestion(deps, poster));
  let points = Math.ceil(reputation / 5) * 5;
  const downvotes = points - reputation;
  for (let day = 1; points > 0; day++) {
    const chunk = Math.min(200, points);
    const at = noonDaysAgo(day);
    await createTestVotes(deps, { type: 'answer', id: answer.id }, Math.floor(chunk / 10), { at });
    if (chunk % 10 === 5) await createTestVotes(deps, { type: 'question', id: question.id }, 1, { at });
    points -= chunk;
  }
  for (let i = 0; i < downvotes; i++) {
    const target = await createTestAnswer(deps, poster, await createTestQuestion(deps, poster));
    await deps.db
      .insert(reactions)
      .values({ userId: user.id, targetType: 'answer', targetId: target.id, value: -1 });
  }
  return user;
}

/** A user with exactly `likes × 10 − dislikes × 2` reputation under the team rules (post counters). */
async function teamUser(likes: number, dislikes = 0): Promise<SessionUser> {
  const user = await createTestUser(deps);
  const answer = await createTestAnswer(deps, user, await createTestQuestion(deps, poster));
  await createTestVotes(deps, { type: 'answer', id: answer.id }, likes);
  await createTestVotes(deps, { type: 'answer', id: answer.id }, dislikes, { value: -1 });
  return user;
}

async function setSettings(input: Parameters<ReturnType<typeof callerFor>['admin']['settings']['set']>[0]) {
  return callerFor(deps, admin).admin.settings.set(input);
}

/** The error a call failed with (code and message), or 'ok'. */
async function outcome(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'ok',
    (error: unknown) =>
      error instanceof TRPCError ? `${error.code}: ${error.message}` : `thrown ${String(error)}`,
  );
}

/** Tries the action that `privilege` opens, as `user`, on fresh posts by `poster`. */
async function tryAction(user: SessionUser, privilege: 'voteUp' | 'voteDown' | 'reply' | 'editOthers') {
  const question = await createTestQuestion(deps, poster);
  const caller = callerFor(deps, user);
  switch (privilege) {
    case 'voteUp':
      return outcome(
        caller.reaction.set({ targetType: 'question', targetId: String(question.id), value: 'like' }),
      );
    case 'voteDown':
      return outcome(
        caller.reaction.set({ targetType: 'question', targetId: String(question.id), value: 'dislike' }),
      );
    case 'reply':
      return outcome(
        caller.reply.create({
          targetType: 'question',
          targetId: String(question.id),
          body: 'A reply with words.',
        }),
      );
    case 'editOthers': {
      const answer = await createTestAnswer(deps, poster, question);
      const results = await Promise.all([
        outcome(
          caller.question.update({ id: String(question.id), body: 'An edited body that is long enough.' }),
        ),
        outcome(caller.answer.update({ id: String(answer.id), body: 'An edited answer body, long enough.' })),
      ]);
      const [reply] = await deps.db
        .insert(replies)
        .values({
          targetType: 'answer',
          targetId: answer.id,
          authorId: poster.id,
          body: 'The original reply.',
          bodyHtml: '<p>The original reply.</p>',
        })
        .returning();
      results.push(await outcome(caller.reply.update({ id: String(reply?.id), body: 'An edited reply.' })));
      const distinct = [...new Set(results)];
      return distinct.length === 1 ? (distinct[0] ?? '') : distinct.join(' | ');
    }
  }
}

describe('admin.settings', () => {
  it('returns the defaults, changes only the given fields, and reports the thresholds in force', async () => {
    const initial = await callerFor(deps, admin).admin.settings.get();
    expect(initial).toMatchObject({
      privilegePreset: 'team',
      thresholds: {},
      flagsToHide: 3,
      closeVotesToClose: 3,
    });
    expect(initial.effective).toEqual(privilegePresets.team);
    const changed = await setSettings({ closeVoteExpiryDays: 7, thresholds: { voteDown: 30 } });
    expect(changed).toMatchObject({ privilegePreset: 'team', closeVoteExpiryDays: 7, flagsToHide: 3 });
    expect(changed.effective).toEqual({ ...privilegePresets.team, voteDown: 30 });
    expect(await callerFor(deps, admin).admin.settings.get()).toEqual(changed);
    await setSettings({ thresholds: {}, closeVoteExpiryDays: 4 });
  });

  it('is refused to everyone but admins, and bad input changes nothing', async () => {
    const before = await callerFor(deps, admin).admin.settings.get();
    for (const user of [poster, moderator]) {
      expect(await outcome(callerFor(deps, user).admin.settings.get())).toMatch(/^FORBIDDEN/);
      expect(
        await outcome(callerFor(deps, user).admin.settings.set({ privilegePreset: 'community' })),
      ).toMatch(/^FORBIDDEN/);
    }
    expect(await outcome(callerFor(deps, null).admin.settings.get())).toMatch(/^UNAUTHORIZED/);
    const bad = [{ thresholds: { fly: 1 } }, { thresholds: { voteUp: -5 } }, { flagsToHide: 0 }, {}];
    for (const input of bad) {
      expect(await outcome(setSettings(input))).toMatch(/^BAD_REQUEST/);
    }
    expect(await callerFor(deps, admin).admin.settings.get()).toEqual(before);
  });
});

describe('the team preset (the default)', () => {
  it('lets a new user vote up and down and reply, and keeps editing others’ posts with moderators', async () => {
    const newcomer = await createTestUser(deps);
    expect(await tryAction(newcomer, 'voteUp')).toBe('ok');
    expect(await tryAction(newcomer, 'voteDown')).toBe('ok');
    expect(await tryAction(newcomer, 'reply')).toBe('ok');
    expect(await tryAction(newcomer, 'editOthers')).toBe(
      'FORBIDDEN: Only the author or a moderator can edit this post.',
    );
    expect(await tryAction(moderator, 'editOthers')).toBe('ok');
    expect(await tryAction(admin, 'editOthers')).toBe('ok');
    const mine = await callerFor(deps, newcomer).user.privileges();
    expect(mine).toEqual({
      reputation: 0,
      preset: 'team',
      privileges: privilegeNames.map((name) => ({
        name,
        threshold: privilegePresets.team[name],
        granted: privilegePresets.team[name] !== null,
      })),
    });
  });

  it('obeys an override at once: a threshold on downvotes and a reputation for editing', async () => {
    const [below, at] = [await teamUser(3, 1), await teamUser(3)];
    await setSettings({ thresholds: { voteDown: 30, editOthers: 30 } });
    try {
      expect(await tryAction(below, 'voteDown')).toBe(
        'FORBIDDEN: Downvoting needs 30 reputation; you have 28.',
      );
      expect(await tryAction(below, 'editOthers')).toBe(
        "FORBIDDEN: Editing other people's posts needs 30 reputation; you have 28.",
      );
      expect(await tryAction(at, 'voteDown')).toBe('ok');
      expect(await tryAction(at, 'editOthers')).toBe('ok');
    } finally {
      await setSettings({ thresholds: {} });
    }
  });
});

describe('the community preset', () => {
  const thresholds = privilegePresets.community;
  const levels = [...new Set(Object.values(thresholds).flatMap((t) => (t === null ? [] : [t - 1, t])))].sort(
    (a, b) => a - b,
  );
  const users = new Map<number, SessionUser>();

  beforeAll(async () => {
    for (const reputation of levels) users.set(reputation, await communityUser(reputation));
    await setSettings({ privilegePreset: 'community' });
  }, 120_000);

  afterAll(async () => {
    await setSettings({ privilegePreset: 'team' });
  });

  function userAt(reputation: number): SessionUser {
    const user = users.get(reputation);
    if (!user) throw new Error(`no user with ${reputation} reputation`);
    return user;
  }

  it('reports every threshold and grants exactly from it, to users one point below and at it', async () => {
    for (const reputation of levels) {
      const report = await callerFor(deps, userAt(reputation)).user.privileges();
      expect(report.reputation).toBe(reputation);
      expect(report.preset).toBe('community');
      for (const row of report.privileges) {
        expect({ reputation, ...row }).toEqual({
          reputation,
          name: row.name,
          threshold: thresholds[row.name],
          granted: reputation >= (thresholds[row.name] ?? Number.POSITIVE_INFINITY),
        });
      }
    }
  });

  const wired: { privilege: Privilege & ('voteUp' | 'voteDown' | 'reply' | 'editOthers'); doing: string }[] =
    [
      { privilege: 'voteUp', doing: 'Upvoting' },
      { privilege: 'voteDown', doing: 'Downvoting' },
      { privilege: 'reply', doing: 'Replying' },
      { privilege: 'editOthers', doing: "Editing other people's posts" },
    ];
  for (const { privilege, doing } of wired) {
    it(`${privilege}: refused at ${(thresholds[privilege] ?? 0) - 1} with the reason, allowed at ${thresholds[privilege]}`, async () => {
      const threshold = thresholds[privilege] ?? 0;
      const below = userAt(threshold - 1);
      // Downvoting a question costs the voter nothing, so the reputation in the message stays exact.
      expect(await tryAction(below, privilege)).toBe(
        `FORBIDDEN: ${doing} needs ${threshold.toLocaleString('en-US')} reputation; you have ${(threshold - 1).toLocaleString('en-US')}.`,
      );
      expect(await tryAction(userAt(threshold), privilege)).toBe('ok');
    });
  }

  it('gives moderators and admins every privilege whatever their reputation; suspended users none', async () => {
    for (const user of [moderator, admin]) {
      for (const privilege of ['voteUp', 'voteDown', 'reply', 'editOthers'] as const) {
        expect(await tryAction(user, privilege)).toBe('ok');
      }
      const report = await callerFor(deps, user).user.privileges();
      expect(report.privileges.every((row) => row.granted)).toBe(true);
    }
    expect(await tryAction(suspended, 'voteUp')).toMatch(/^FORBIDDEN: Your account is suspended until/);
    const report = await callerFor(deps, suspended).user.privileges();
    expect(report.privileges.some((row) => row.granted)).toBe(false);
  });

  it('still lets anyone take back a vote they cast', async () => {
    const question = await createTestQuestion(deps, poster);
    const voter = userAt(thresholds.voteUp ?? 0);
    const target = { targetType: 'question' as const, targetId: String(question.id) };
    await callerFor(deps, voter).reaction.set({ ...target, value: 'like' });
    await setSettings({ thresholds: { voteUp: null } });
    try {
      expect(await outcome(callerFor(deps, voter).reaction.set({ ...target, value: 'like' }))).toBe(
        'FORBIDDEN: Only moderators can upvote.',
      );
      expect(await callerFor(deps, voter).reaction.set({ ...target, value: null })).toMatchObject({
        likes: 0,
      });
    } finally {
      await setSettings({ thresholds: {} });
    }
  });
});
