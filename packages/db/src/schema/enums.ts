import { pgEnum } from 'drizzle-orm/pg-core';

/** Roles in increasing order of power: user < moderator < admin. */
export const userRole = pgEnum('user_role', ['user', 'moderator', 'admin']);

/** What a reply thread hangs from. */
export const replyTarget = pgEnum('reply_target', ['question', 'answer']);

/** Every kind of post a reaction (like/dislike) can be set on. */
export const reactionTarget = pgEnum('reaction_target', ['question', 'answer', 'reply']);

/** Kinds of post that keep an edit history. */
export const revisionTarget = pgEnum('revision_target', ['question', 'answer']);

/** Why a user was notified. */
export const notificationType = pgEnum('notification_type', [
  'answer',
  'reply',
  'follow',
  'accepted',
  /** A badge the user was awarded. */
  'badge',
  /** A new answer on a question the user watches (and did not ask). */
  'watched_question',
  /** A new question in a tag the user watches. */
  'watched_tag',
]);

/** How a kind of notification reaches the user by mail: at once, in a daily or weekly digest, or not. */
export const mailDelivery = pgEnum('mail_delivery', ['instant', 'daily', 'weekly', 'off']);

/** OAuth providers DevFlow can sign in with. */
export const oauthProvider = pgEnum('oauth_provider', ['github', 'google']);
