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

/** Why a post was flagged. `spam` and `rude` flags from enough distinct users hide the post pending review. */
export const flagReason = pgEnum('flag_reason', [
  'spam',
  'rude',
  'off-topic',
  'duplicate',
  'needs-moderator',
]);

/** A flag waits (`open`) until a reviewer upholds or dismisses it. */
export const flagStatus = pgEnum('flag_status', ['open', 'upheld', 'dismissed']);

/** The review queues. */
export const reviewQueue = pgEnum('review_queue', ['flags', 'first-posts', 'suggested-edits', 'close-votes']);

/** Why a question was closed. */
export const closeReason = pgEnum('close_reason', [
  'duplicate',
  'off-topic',
  'needs-details',
  'opinion-based',
]);

/** A vote to close or to reopen a question. */
export const closeVoteKind = pgEnum('close_vote_kind', ['close', 'reopen']);

/**
 * A close or reopen vote counts while `active` (and younger than the expiry); `spent` once it closed or
 * reopened the question, `expired` after the expiry, `dismissed` when a reviewer left the question as it was.
 */
export const closeVoteState = pgEnum('close_vote_state', ['active', 'spent', 'expired', 'dismissed']);

/** A suggested edit waits (`pending`) until a reviewer approves or rejects it. */
export const suggestedEditState = pgEnum('suggested_edit_state', ['pending', 'approved', 'rejected']);
