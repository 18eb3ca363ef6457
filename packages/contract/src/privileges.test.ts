import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SITE_SETTINGS,
  privilegeNames,
  privilegePresets,
  privilegeRefusal,
  siteSettings,
  siteSettingsInput,
  thresholdOf,
  thresholdsOf,
} from './privileges';

describe('the privilege table', () => {
  it('gives every signed-in user votes, flags and replies in the team preset, and keeps the rest with moderators', () => {
    expect(thresholdsOf(DEFAULT_SITE_SETTINGS)).toEqual({
      voteUp: 0,
      voteDown: 0,
      flag: 0,
      reply: 0,
      editOthers: null,
      review: null,
      closeVotes: null,
    });
  });

  it("uses Stack Overflow's thresholds in the community preset", () => {
    expect(privilegePresets.community).toEqual({
      voteUp: 15,
      flag: 15,
      reply: 50,
      voteDown: 125,
      review: 500,
      editOthers: 2000,
      closeVotes: 3000,
    });
  });

  it('lets an override replace one threshold of the preset and leaves the others', () => {
    const settings = { privilegePreset: 'community' as const, thresholds: { voteDown: 10, review: null } };
    expect(thresholdOf(settings, 'voteDown')).toBe(10);
    expect(thresholdOf(settings, 'review')).toBeNull();
    expect(thresholdOf(settings, 'voteUp')).toBe(15);
  });

  it('names the privilege, the threshold and the reputation in a refusal', () => {
    expect(privilegeRefusal('voteDown', 125, 12)).toBe('Downvoting needs 125 reputation; you have 12.');
    expect(privilegeRefusal('closeVotes', 3000, 1234)).toBe(
      'Voting to close or reopen needs 3,000 reputation; you have 1,234.',
    );
    expect(privilegeRefusal('editOthers', null, 0)).toBe("Only moderators can edit other people's posts.");
  });

  it('has a label and a threshold in each preset for every privilege', () => {
    for (const name of privilegeNames) {
      expect(privilegePresets.team).toHaveProperty(name);
      expect(privilegePresets.community).toHaveProperty(name);
    }
  });
});

describe('site settings', () => {
  it('fills every default from an empty object', () => {
    expect(siteSettings.parse({})).toEqual(DEFAULT_SITE_SETTINGS);
  });

  it('refuses unknown privileges, negative thresholds, unknown fields and an empty change', () => {
    expect(siteSettingsInput.safeParse({ thresholds: { fly: 3 } }).success).toBe(false);
    expect(siteSettingsInput.safeParse({ thresholds: { voteUp: -1 } }).success).toBe(false);
    expect(siteSettingsInput.safeParse({ thresholds: { voteUp: 1.5 } }).success).toBe(false);
    expect(siteSettingsInput.safeParse({ privilegePreset: 'anarchy' }).success).toBe(false);
    expect(siteSettingsInput.safeParse({ color: 'red' }).success).toBe(false);
    expect(siteSettingsInput.safeParse({}).success).toBe(false);
    expect(siteSettingsInput.parse({ thresholds: { voteDown: 10, review: null } })).toEqual({
      thresholds: { voteDown: 10, review: null },
    });
  });
});
