import { z } from 'zod';
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

/** `user.byUsername` input (any case). */
export const byUsernameInput = z.object({ username: z.string().trim().min(1).max(32) });

/** An https URL of at most 2,048 characters. */
const httpsUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .refine((value) => {
    try {
      return new URL(value).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an https:// URL');

/** `user.updateProfile` input: omitted fields stay as they are; null or "" clears a field. */
export const updateProfileInput = z
  .object({
    displayName: z.string().trim().max(80, 'must be at most 80 characters').nullable().optional(),
    bio: z.string().max(2000, 'must be at most 2000 characters').optional(),
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

/** A public profile (CONTRACT.md `user.byUsername`) with counts and reputation. */
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
