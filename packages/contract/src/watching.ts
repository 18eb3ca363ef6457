import { z } from 'zod';
import { cursorInput, idInput, idOutput, isoDate, limitInput, pageOutput, userSummary } from './common';
import { MAIL_DELIVERIES } from './notification-kinds';
import { tagSlug } from './question';

/** Input of `watch.tag` / `watch.untag`. */
export const watchTagInput = z.object({ tag: tagSlug });

/** Input of `watch.question` / `watch.unquestion`. */
export const watchQuestionInput = z.object({ questionId: idInput });

/** Output of the watch mutations: whether the caller now watches it. */
export const watchStateOutput = z.object({ watching: z.boolean() });

/** Most tags and questions `watch.list` returns (each list, newest watched first). */
export const WATCH_LIST_MAX = 500;

/** Output of `watch.list`: the tags and the live questions the caller watches, newest watched first. */
export const watchListOutput = z.object({
  tags: z.array(z.object({ slug: z.string(), watchedAt: isoDate })),
  questions: z.array(z.object({ id: idOutput, title: z.string(), watchedAt: isoDate })),
});

/** What can be bookmarked. */
export const bookmarkTargetType = z.enum(['question', 'answer']);

/** Input of `bookmark.add` / `bookmark.remove`. */
export const bookmarkInput = z.object({ targetType: bookmarkTargetType, targetId: idInput });

/** Output of `bookmark.add` / `bookmark.remove`: whether the post is now saved. */
export const bookmarkStateOutput = z.object({ bookmarked: z.boolean() });

/** Input of `bookmark.list`. */
export const bookmarkListInput = z.object({ cursor: cursorInput, limit: limitInput });

/** A saved post: what it is, where it lives, and when it was saved. */
export const bookmarkItem = z.object({
  targetType: bookmarkTargetType,
  targetId: idOutput,
  questionId: idOutput,
  /** The question's title (for an answer: of the question it answers). */
  title: z.string(),
  /** Plain text, at most 200 characters. */
  excerpt: z.string(),
  author: userSummary,
  score: z.number().int(),
  createdAt: isoDate,
  savedAt: isoDate,
});

/** Output of `bookmark.list`. */
export const bookmarkListOutput = pageOutput(bookmarkItem);

/** How a kind of notification reaches the user by mail. */
export const mailDelivery = z.enum(MAIL_DELIVERIES);

/** Output of `user.notificationSettings`: the delivery of every kind (`NOTIFICATION_KINDS`). */
export const notificationSettingsOutput = z.object({
  answer: mailDelivery,
  reply: mailDelivery,
  accepted: mailDelivery,
  follow: mailDelivery,
  watchedQuestion: mailDelivery,
  watchedTag: mailDelivery,
});

/** Input of `user.setNotificationSettings`: the kinds to change (at least one); the others stay. */
export const setNotificationSettingsInput = notificationSettingsOutput
  .partial()
  .strict()
  .refine((value) => Object.values(value).some((delivery) => delivery !== undefined), {
    message: 'name at least one kind of notification',
  });

/** Input of the unsubscribe endpoint and of its web page: the signed token of a notification mail. */
export const unsubscribeTokenInput = z.string().min(1).max(500);
