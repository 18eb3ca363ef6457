import { z } from 'zod';
import { badgeNames } from './badges';
import {
  cursorInput,
  idInput,
  idOutput,
  isoDate,
  limitInput,
  pageOutput,
  roleSchema,
  userSummary,
} from './common';
import { AVATAR_URL_MAX_LENGTH, BIO_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH } from './limits';

/** `user.byUsername` input (any case). */
export const byUsernameInput = z.object({ username: z.string().trim().min(1).max(32) });

/** An https URL of at most 2,048 characters. */
const httpsUrl = z
  .string()
  .trim()
  .max(AVATAR_URL_MAX_LENGTH, `must be at most ${AVATAR_URL_MAX_LENGTH} characters`)
  .refine((value) => {
    try {
      return new URL(value).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an https:// URL');

/**
 * Characters a display name may not hold, because they are invisible or move the text around them,
 * so one name can be made to read as another's: controls (Cc), format characters (Cf: the bidi
 * overrides and isolates U+202A–U+202E and U+2066–U+2069, the zero-width U+200B–U+200F and
 * U+2060–U+2064, U+FEFF, tag characters…), line and paragraph separators (Zl, Zp), surrogates (Cs),
 * and the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), letters that draw nothing.
 */
const HIDDEN_IN_NAMES = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u115F\u1160\u3164\uFFA0]/u;

/** The same characters, for removing every one of them. */
const HIDDEN_IN_NAMES_ALL = new RegExp(HIDDEN_IN_NAMES.source, 'gu');

/** Tabs and line breaks, which separate words: they become one space rather than nothing. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;

/** `U+202E` for the first character `name` may not hold, or null when there is none. */
function hiddenCharacterIn(name: string): string | null {
  const found = HIDDEN_IN_NAMES.exec(name)?.[0];
  const code = found?.codePointAt(0);
  return code === undefined ? null : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A display name as typed in `user.updateProfile`: trimmed, at most `DISPLAY_NAME_MAX_LENGTH`
 * characters, and refused (BAD_REQUEST naming the character) when it holds an invisible or control
 * character (`HIDDEN_IN_NAMES`).
 */
export const displayNameInput = z
  .string()
  .trim()
  .max(DISPLAY_NAME_MAX_LENGTH, `must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`)
  .superRefine((name, ctx) => {
    const hidden = hiddenCharacterIn(name);
    if (hidden) {
      ctx.addIssue({
        code: 'custom',
        message: `must not contain invisible or control characters such as ${hidden} (they can make one name look like another)`,
      });
    }
  });

/**
 * A display name from somewhere the user did not type it (an OAuth provider's profile): the
 * characters `displayNameInput` refuses are removed instead (tabs and line breaks become a space),
 * then it is trimmed and cut to `DISPLAY_NAME_MAX_LENGTH` characters; null when nothing is left.
 */
export function cleanDisplayName(name: string | null | undefined): string | null {
  if (!name) return null;
  const visible = [...name.replace(BREAKS, ' ').replace(HIDDEN_IN_NAMES_ALL, '').trim()];
  return visible.slice(0, DISPLAY_NAME_MAX_LENGTH).join('').trim() || null;
}

/** `user.updateProfile` input: omitted fields stay as they are; null or "" clears a field. */
export const updateProfileInput = z
  .object({
    displayName: displayNameInput.nullable().optional(),
    bio: z.string().max(BIO_MAX_LENGTH, `must be at most ${BIO_MAX_LENGTH} characters`).optional(),
    avatarUrl: z
      .union([httpsUrl, z.literal('')])
      .nullable()
      .optional(),
  })
  .refine((value) => Object.values(value).some((field) => field !== undefined), 'change at least one field');

/** `user.setRole` input. */
export const setRoleInput = z.object({ userId: idInput, role: roleSchema });

/** `user.suspend` input: `until` is an ISO date in the future (default: 7 days from now). */
export const suspendInput = z.object({
  userId: idInput,
  until: z.iso
    .datetime({ offset: true, message: 'must be an ISO date-time, e.g. 2030-01-31T00:00:00Z' })
    .refine((value) => new Date(value).getTime() > Date.now(), 'must be in the future')
    .refine(
      (value) => new Date(value).getTime() < Date.now() + 10 * 365 * 24 * 3600 * 1000,
      'must be within 10 years',
    )
    .optional(),
});

/** `user.unsuspend` input. */
export const unsuspendInput = z.object({ userId: idInput });

/** A public profile (`user.byUsername`) with counts and reputation. */
export const profileOutput = z.object({
  id: idOutput,
  username: z.string(),
  displayName: z.string().nullable(),
  bio: z.string(),
  bioHtml: z.string(),
  avatarUrl: z.string().nullable(),
  role: roleSchema,
  createdAt: isoDate,
  followers: z.number().int(),
  following: z.number().int(),
  questions: z.number().int(),
  answers: z.number().int(),
  reputation: z.number().int(),
  suspendedUntil: isoDate.nullable(),
  /** Badges the user earned, in the order of `badgeNames`. */
  badges: z.array(z.object({ badge: z.enum(badgeNames), awardedAt: isoDate })),
});

/** `user.list` input (moderators): optional search by username or display name. */
export const userListInput = z.object({
  q: z.string().trim().max(80).optional(),
  cursor: cursorInput,
  limit: limitInput,
});

/** One row of the moderators' user list. */
export const userListItem = userSummary.extend({
  role: roleSchema,
  suspendedUntil: isoDate.nullable(),
  createdAt: isoDate,
});

/** `user.list` output. */
export const userListOutput = pageOutput(userListItem);
