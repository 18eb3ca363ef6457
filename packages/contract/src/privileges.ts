import { z } from 'zod';
import {
  MAX_PRIVILEGE_THRESHOLD,
  type Privilege,
  privilegeNames,
  privilegePresetNames,
  type Threshold,
} from './privilege-table';

export * from './privilege-table';

/** A privilege's name as the API accepts it. */
export const privilegeName = z.enum(privilegeNames);

/** A preset's name as the API accepts it. */
export const privilegePreset = z.enum(privilegePresetNames);

/** A threshold as an admin sets it: 0..`MAX_PRIVILEGE_THRESHOLD` reputation, or null for moderators only. */
export const thresholdInput = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .max(MAX_PRIVILEGE_THRESHOLD, `must be at most ${MAX_PRIVILEGE_THRESHOLD}`)
  .nullable();

/** A threshold as the API reports it (null: moderators only). */
const thresholdOutput = z.number().int().nullable();

/** Threshold overrides keyed by privilege (each optional); unknown keys are BAD_REQUEST. */
export const thresholdsInput = z.strictObject({
  voteUp: thresholdInput.optional(),
  voteDown: thresholdInput.optional(),
  flag: thresholdInput.optional(),
  reply: thresholdInput.optional(),
  editOthers: thresholdInput.optional(),
  review: thresholdInput.optional(),
  closeVotes: thresholdInput.optional(),
}) satisfies z.ZodType<Partial<Record<Privilege, Threshold | undefined>>>;

/** The threshold in force for every privilege. */
const thresholdsOutput = z.object({
  voteUp: thresholdOutput,
  voteDown: thresholdOutput,
  flag: thresholdOutput,
  reply: thresholdOutput,
  editOthers: thresholdOutput,
  review: thresholdOutput,
  closeVotes: thresholdOutput,
}) satisfies z.ZodType<Record<Privilege, Threshold>>;

const flagsToHide = z.number().int().min(1).max(100);
const closeVotesToClose = z.number().int().min(1).max(100);
const closeVoteExpiryDays = z.number().int().min(1).max(365);

/** Moderation settings (`admin.settings.get`): the preset, threshold overrides, flag and close-vote numbers. */
export const siteSettings = z.object({
  privilegePreset: privilegePreset.default('team'),
  thresholds: thresholdsInput.default({}),
  flagsToHide: flagsToHide.default(3),
  closeVotesToClose: closeVotesToClose.default(3),
  closeVoteExpiryDays: closeVoteExpiryDays.default(4),
});

/** `admin.settings.set` input: omitted fields stay; `thresholds` replaces the whole set of overrides. */
export const siteSettingsInput = z
  .strictObject({
    privilegePreset: privilegePreset.optional(),
    thresholds: thresholdsInput.optional(),
    flagsToHide: flagsToHide.optional(),
    closeVotesToClose: closeVotesToClose.optional(),
    closeVoteExpiryDays: closeVoteExpiryDays.optional(),
  })
  .refine(
    (value) => Object.values(value).some((field) => field !== undefined),
    'change at least one setting',
  );

/** `admin.settings.get` / `admin.settings.set` output: the stored settings and the thresholds they imply. */
export const siteSettingsOutput = siteSettings.extend({
  effective: thresholdsOutput,
});

/** One row of `user.privileges`. */
export const privilegeStatus = z.object({
  name: privilegeName,
  /** Reputation needed; null when only moderators have it. */
  threshold: z.number().int().nullable(),
  granted: z.boolean(),
});

/** `user.privileges` output: the caller's reputation, the preset, and every privilege with its threshold. */
export const userPrivilegesOutput = z.object({
  reputation: z.number().int(),
  preset: privilegePreset,
  privileges: z.array(privilegeStatus),
});
