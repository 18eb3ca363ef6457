import { writeSiteSettings } from '@devflow/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestUser,
  createTestVotes,
  type TestDeps,
} from '../testing';
import type { SessionUser } from '../trpc/context';
import { hasPrivilege, requirePrivilege } from './privileges';
import { getSiteSettings } from './settings';

let deps: TestDeps;
let admin: SessionUser;
let moderator: SessionUser;
let newcomer: SessionUser;
let suspended: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps();
  admin = await createTestUser(deps, { role: 'admin' });
  moderator = await createTestUser(deps, { role: 'moderator' });
  newcomer = await createTestUser(deps);
  suspended = await createTestUser(deps, { suspendedUntil: new Date(Date.now() + 86_400_000) });
});

afterAll(async () => {
  await deps.close();
});

beforeEach(async () => {
  await writeSiteSettings(deps.db, { settings: {}, updatedBy: admin.id });
});

/** A user whose one answer has `upvotes` likes. */
async function userWithAnswerUpvotes(upvotes: number): Promise<SessionUser> {
  const user = await createTestUser(deps);
  const question = await createTestQuestion(deps, admin);
  const answer = await createTestAnswer(deps, user, question);
  await createTestVotes(deps, { type: 'answer', id: answer.id }, upvotes);
  return user;
}

describe('getSiteSettings', () => {
  it('returns the defaults until an admin saves settings, then what was saved', async () => {
    expect(await getSiteSettings(deps)).toEqual({
      privilegePreset: 'team',
      thresholds: {},
      flagsToHide: 3,
      closeVotesToClose: 3,
      closeVoteExpiryDays: 4,
    });
    await writeSiteSettings(deps.db, {
      settings: { privilegePreset: 'community', thresholds: { voteDown: 10 }, flagsToHide: 5 },
      updatedBy: admin.id,
    });
    expect(await getSiteSettings(deps)).toMatchObject({
      privilegePreset: 'community',
      thresholds: { voteDown: 10 },
      flagsToHide: 5,
      closeVotesToClose: 3,
    });
  });

  it('falls back to the defaults when the stored row does not parse', async () => {
    await writeSiteSettings(deps.db, { settings: { privilegePreset: 'anarchy' }, updatedBy: admin.id });
    expect((await getSiteSettings(deps)).privilegePreset).toBe('team');
  });
});

describe('hasPrivilege / requirePrivilege', () => {
  it('in the team preset lets every user vote, flag and reply, and keeps editing, review and closing with moderators', async () => {
    for (const privilege of ['voteUp', 'voteDown', 'flag', 'reply'] as const) {
      expect(await hasPrivilege(deps, newcomer, privilege)).toBe(true);
    }
    for (const privilege of ['editOthers', 'review', 'closeVotes'] as const) {
      expect(await hasPrivilege(deps, newcomer, privilege)).toBe(false);
      expect(await hasPrivilege(deps, moderator, privilege)).toBe(true);
      expect(await hasPrivilege(deps, admin, privilege)).toBe(true);
    }
    await expect(requirePrivilege(deps, newcomer, 'editOthers')).rejects.toThrow(
      "Only moderators can edit other people's posts.",
    );
  });

  it('in the community preset refuses below the threshold with a message naming it and the reputation', async () => {
    await writeSiteSettings(deps.db, { settings: { privilegePreset: 'community' }, updatedBy: admin.id });
    expect(await hasPrivilege(deps, newcomer, 'voteUp')).toBe(false);
    await expect(requirePrivilege(deps, newcomer, 'voteDown')).rejects.toMatchObject({
      kind: 'FORBIDDEN',
      message: 'Downvoting needs 125 reputation; you have 0.',
    });
    // Moderators and admins have every privilege whatever their reputation.
    for (const actor of [moderator, admin]) {
      await expect(requirePrivilege(deps, actor, 'closeVotes')).resolves.toBeUndefined();
    }
  });

  it('grants a privilege exactly at its threshold, and an override moves the threshold', async () => {
    await writeSiteSettings(deps.db, { settings: { privilegePreset: 'community' }, updatedBy: admin.id });
    const user = await userWithAnswerUpvotes(2);
    expect(await hasPrivilege(deps, user, 'voteUp')).toBe(true);
    expect(await hasPrivilege(deps, user, 'reply')).toBe(false);
    await writeSiteSettings(deps.db, {
      settings: { privilegePreset: 'community', thresholds: { reply: 20, voteUp: null } },
      updatedBy: admin.id,
    });
    expect(await hasPrivilege(deps, user, 'reply')).toBe(true);
    expect(await hasPrivilege(deps, user, 'voteUp')).toBe(false);
  });

  it('refuses suspended users every privilege, with the suspension as the reason', async () => {
    expect(await hasPrivilege(deps, suspended, 'voteUp')).toBe(false);
    await expect(requirePrivilege(deps, suspended, 'reply')).rejects.toThrow(/suspended until/);
    const suspendedModerator = { ...moderator, suspendedUntil: new Date(Date.now() + 60_000) };
    expect(await hasPrivilege(deps, suspendedModerator, 'review')).toBe(false);
  });
});
