/**
 * The kinds of notification a user sets the mail delivery of, their defaults and how clients name them.
 * Zod-free, so the web app imports it (`@devflow/contract/notification-kinds`).
 */

/** Kinds of notification, as `user.notificationSettings` names them. */
export const NOTIFICATION_KINDS = [
  'answer',
  'reply',
  'accepted',
  'follow',
  'watchedQuestion',
  'watchedTag',
] as const;

/** One of `NOTIFICATION_KINDS`. */
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How a kind of notification reaches the user by mail: at once, in a daily or weekly digest, or not. */
export const MAIL_DELIVERIES = ['instant', 'daily', 'weekly', 'off'] as const;

/** One of `MAIL_DELIVERIES`. */
export type MailDelivery = (typeof MAIL_DELIVERIES)[number];

/**
 * What a user gets before choosing: answers to their questions, replies and accepted answers at once;
 * activity in watched questions and tags once a day; new followers not by mail.
 */
export const NOTIFICATION_DEFAULTS: Readonly<Record<NotificationKind, MailDelivery>> = {
  answer: 'instant',
  reply: 'instant',
  accepted: 'instant',
  follow: 'off',
  watchedQuestion: 'daily',
  watchedTag: 'daily',
};

/** How the settings page and the CLI name each kind. */
export const NOTIFICATION_KIND_LABELS: Readonly<Record<NotificationKind, string>> = {
  answer: 'Answers to my questions',
  reply: 'Replies to my posts',
  accepted: 'My answer was accepted',
  follow: 'New followers',
  watchedQuestion: 'New answers on questions I watch',
  watchedTag: 'New questions in tags I watch',
};

/** How the settings page and the CLI name each delivery. */
export const MAIL_DELIVERY_LABELS: Readonly<Record<MailDelivery, string>> = {
  instant: 'Mail at once',
  daily: 'Daily digest',
  weekly: 'Weekly digest',
  off: 'No mail',
};

/** The notification kind of each stored notification type (`notification.list` items' `type`). */
export const KIND_OF_TYPE = {
  answer: 'answer',
  reply: 'reply',
  accepted: 'accepted',
  follow: 'follow',
  watched_question: 'watchedQuestion',
  watched_tag: 'watchedTag',
} as const satisfies Record<string, NotificationKind>;
