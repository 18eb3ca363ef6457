import { z } from 'zod';
import { badgeNames } from './badges';
import {
  cursorInput,
  idInput,
  idOutput,
  isoDate,
  limitInput,
  pageOutput,
  queryBoolean,
  userSummary,
} from './common';

/** Input of `notification.list`. */
export const notificationListInput = z.object({
  cursor: cursorInput,
  limit: limitInput,
  unreadOnly: queryBoolean.prefault(false),
});

/** One notification: who did what, and where. */
export const notificationItem = z.object({
  id: idOutput,
  type: z.enum(['answer', 'reply', 'follow', 'accepted', 'badge', 'watched_question', 'watched_tag']),
  /** The badge earned, for `type: 'badge'` (the actor is then the user themselves). */
  badge: z.enum(badgeNames).nullable(),
  actor: userSummary,
  questionId: idOutput.nullable(),
  questionTitle: z.string().nullable(),
  answerId: idOutput.nullable(),
  replyId: idOutput.nullable(),
  createdAt: isoDate,
  read: z.boolean(),
});

/** Output of `notification.list`. */
export const notificationListOutput = pageOutput(notificationItem);

/** Input of `notification.markRead`: no ids marks everything read. */
export const notificationMarkReadInput = z
  .object({ ids: z.array(idInput).min(1).max(100).optional() })
  .default({});

/** Output of `notification.markRead`. */
export const notificationMarkReadOutput = z.object({ ok: z.literal(true), unread: z.number().int() });

/** Output of `notification.unreadCount`. */
export const unreadCountOutput = z.object({ count: z.number().int() });
