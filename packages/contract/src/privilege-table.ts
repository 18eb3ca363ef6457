/**
 * The one table of privileges earned by reputation, zod-free so the web app and the CLI import it as
 * freely as the API: which privileges exist, the thresholds of each preset, how a client names each
 * privilege, and the sentence a refusal carries. The API decides with it (`platform/privileges.ts`), the
 * web app enables or explains buttons with it, and `user.privileges` reports it per user.
 */

/** Every privilege a user may earn, in the order clients list them. */
export const privilegeNames = [
  'voteUp',
  'voteDown',
  'flag',
  'reply',
  'editOthers',
  'review',
  'closeVotes',
] as const;

/** One privilege of `privilegeNames`. */
export type Privilege = (typeof privilegeNames)[number];

/** The presets an admin chooses between (`admin.settings.set`). */
export const privilegePresetNames = ['team', 'community'] as const;

/** One preset of `privilegePresetNames`. */
export type PrivilegePreset = (typeof privilegePresetNames)[number];

/**
 * A reputation threshold: the reputation a user needs (0: every signed-in user), or `null` when only
 * moderators and admins have the privilege.
 */
export type Threshold = number | null;

/** The threshold of every privilege. */
export type PrivilegeThresholds = Record<Privilege, Threshold>;

/**
 * The presets. `team` (the default, for a new or private instance): every signed-in user may vote up and
 * down, flag and reply; editing others' posts, reviewing and close votes stay with moderators. `community`:
 * Stack Overflow's thresholds.
 */
export const privilegePresets: Record<PrivilegePreset, PrivilegeThresholds> = {
  team: { voteUp: 0, voteDown: 0, flag: 0, reply: 0, editOthers: null, review: null, closeVotes: null },
  community: {
    voteUp: 15,
    voteDown: 125,
    flag: 15,
    reply: 50,
    editOthers: 2000,
    review: 500,
    closeVotes: 3000,
  },
};

/** Largest threshold an admin may set (keeps numbers sane in forms and in SQL). */
export const MAX_PRIVILEGE_THRESHOLD = 1_000_000;

/** How clients name a privilege: `doing` starts a refusal ("Downvoting needs…"), `can` lists it on a profile. */
export const privilegeLabels: Record<Privilege, { doing: string; can: string }> = {
  voteUp: { doing: 'Upvoting', can: 'Upvote (like) posts' },
  voteDown: { doing: 'Downvoting', can: 'Downvote (dislike) posts' },
  flag: { doing: 'Flagging', can: 'Flag posts for moderators' },
  reply: { doing: 'Replying', can: 'Reply to questions and answers' },
  editOthers: { doing: "Editing other people's posts", can: "Edit other people's posts" },
  review: { doing: 'Reviewing', can: 'Review flags, first posts and suggested edits' },
  closeVotes: { doing: 'Voting to close or reopen', can: 'Vote to close or reopen questions' },
};

/** Moderation settings as the API stores and returns them (`admin.settings.get`). */
export type SiteSettings = {
  /** The preset whose thresholds apply where `thresholds` names none. */
  privilegePreset: PrivilegePreset;
  /** Overrides of the preset's thresholds (`null`: moderators only). */
  thresholds: Partial<Record<Privilege, Threshold>>;
  /** Distinct spam/rude flags that hide a post pending review. */
  flagsToHide: number;
  /** Close votes that close a question. */
  closeVotesToClose: number;
  /** Days after which a close vote expires. */
  closeVoteExpiryDays: number;
};

/** The settings of a new instance. */
export const DEFAULT_SITE_SETTINGS: SiteSettings = {
  privilegePreset: 'team',
  thresholds: {},
  flagsToHide: 3,
  closeVotesToClose: 3,
  closeVoteExpiryDays: 4,
};

/** The threshold that applies to `privilege` under `settings`: the override, else the preset's. */
export function thresholdOf(
  settings: Pick<SiteSettings, 'privilegePreset' | 'thresholds'>,
  privilege: Privilege,
): Threshold {
  const override = settings.thresholds[privilege];
  return override === undefined ? privilegePresets[settings.privilegePreset][privilege] : override;
}

/** Every threshold that applies under `settings`. */
export function thresholdsOf(
  settings: Pick<SiteSettings, 'privilegePreset' | 'thresholds'>,
): PrivilegeThresholds {
  const all = {} as PrivilegeThresholds;
  for (const name of privilegeNames) all[name] = thresholdOf(settings, name);
  return all;
}

/** Whether a plain user (not a moderator) with `reputation` meets `threshold`. */
export function meetsThreshold(threshold: Threshold, reputation: number): boolean {
  return threshold !== null && reputation >= threshold;
}

/** "12,345" (thresholds and reputation in messages). */
function count(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * The sentence a refusal carries, naming the privilege, the threshold and the user's reputation:
 * "Downvoting needs 125 reputation; you have 12." — or, for a moderators-only privilege,
 * "Only moderators can edit other people's posts."
 */
export function privilegeRefusal(privilege: Privilege, threshold: Threshold, reputation: number): string {
  const label = privilegeLabels[privilege];
  if (threshold === null) {
    return `Only moderators can ${label.can.charAt(0).toLowerCase()}${label.can.slice(1)}.`;
  }
  return `${label.doing} needs ${count(threshold)} reputation; you have ${count(reputation)}.`;
}
