/**
 * Messages a client shows on its own (zod-free, so the web app imports them without bundling zod): the
 * sentence for each reason an OAuth sign-in ends on `/auth/error`.
 */

import { plural } from './format';

/** Why an OAuth sign-in failed; the web page `/auth/error?reason=…` explains each one. */
export type OAuthErrorReason =
  /** The person declined the consent screen. */
  | 'access_denied'
  /** The provider answered the authorization with an error other than a refusal. */
  | 'provider_error'
  /** The `state` was missing, forged, expired or already used. */
  | 'invalid_state'
  /** The provider refused the authorization code (expired or already used). */
  | 'invalid_code'
  /** The provider did not answer in time, or answered with a server error. */
  | 'provider_unavailable'
  /** Google's ID token failed verification (signature, issuer, audience, expiry or nonce). */
  | 'invalid_id_token'
  /** Linking needs the same signed-in user at the start and at the end of the flow. */
  | 'sign_in_required'
  /** The provider identity is already linked to another DevFlow account. */
  | 'identity_in_use'
  /** The account already has a different identity of this provider linked. */
  | 'provider_already_linked'
  /** Too many sign-ins were started from this network in a short time. */
  | 'too_many_attempts'
  /** Something unexpected failed on our side. */
  | 'server_error';

/**
 * What a person reads on `/auth/error` for each reason: the server's plain page and the web app's page show
 * the same sentence.
 */
export const OAUTH_ERROR_MESSAGES: Record<OAuthErrorReason, string> = {
  access_denied: 'You declined to share your account with DevFlow, so you were not signed in.',
  provider_error: 'The sign-in provider reported an error. Please try again.',
  invalid_state:
    'This sign-in link expired or was already used, or it was started in another browser. Please start again.',
  invalid_code:
    'The sign-in provider refused this sign-in (the code expired or was already used). Please start again.',
  provider_unavailable: 'The sign-in provider did not answer. Please try again in a moment.',
  invalid_id_token: 'The sign-in provider’s answer could not be verified, so you were not signed in.',
  sign_in_required: 'Sign in to DevFlow first, then link the provider from your profile.',
  identity_in_use: 'That account is already linked to another DevFlow user.',
  provider_already_linked: 'Your DevFlow account is already linked to a different account of this provider.',
  too_many_attempts:
    'Too many sign-ins were started from your network. Please wait a few minutes and try again.',
  server_error: 'Something went wrong on our side. Please try again.',
};

/** What `answer.create` says about a closed question (the web app shows it instead of the answer form). */
export const QUESTION_CLOSED_MESSAGE = 'This question is closed, so it takes no new answers.';

/** What `flag.create` says to a user who flags a post they already flagged (CONFLICT). */
export const ALREADY_FLAGGED_MESSAGE = 'You already flagged this post; a reviewer will look at it.';

/**
 * What `review.resolve` says when approving a suggested edit the post's later changes made stale
 * (CONFLICT); the review page then offers {@link CONFIRM_STALE_APPROVAL}.
 */
export const STALE_APPROVAL_REFUSED =
  'The post changed after this edit was suggested. Compare the current text with the suggestion, then approve again with confirm.';

/** What `edit.suggest` says of a suggestion that leaves the post as it is (BAD_REQUEST). */
export const SUGGESTION_CHANGES_NOTHING = 'This suggestion changes nothing.';

/** What the suggest-an-edit form says once `edit.suggest` accepted the suggestion. */
export const EDIT_SUGGESTED_MESSAGE = 'Thanks! Your edit was suggested and waits for review.';

/** Why a question can be closed, as the close banner and the close form word it. */
export const CLOSE_REASON_LABELS = {
  duplicate: 'Duplicate: this question has been asked before and already has an answer.',
  'off-topic': 'Off-topic: this question is not about programming or the tools of the trade.',
  'needs-details': 'Needs details or clarity: it lacks what is needed to answer it.',
  'opinion-based': 'Opinion-based: answers would be opinions rather than facts.',
} as const;

/** Why a post can be flagged, as the flag menu words it. */
export const FLAG_REASON_LABELS = {
  spam: 'Spam: it promotes a product or service and is not an honest contribution.',
  rude: 'Rude or abusive: a reasonable person would find it offensive.',
  'off-topic': 'Off-topic: it does not belong here.',
  duplicate: 'Duplicate: it repeats an existing post.',
  'needs-moderator': 'Needs a moderator: something else a moderator should look at.',
} as const;

/** The review queues as the review page names its tabs (`review.list`'s `queue`). */
export const REVIEW_QUEUE_LABELS = {
  flags: 'Flags',
  'first-posts': 'First posts',
  'suggested-edits': 'Suggested edits',
  'close-votes': 'Close votes',
} as const;

/** What the review page says when a queue has nothing open. */
export const REVIEW_QUEUE_EMPTY = {
  flags: 'No flagged posts wait for review.',
  'first-posts': 'No first posts wait for review.',
  'suggested-edits': 'No suggested edits wait for review.',
  'close-votes': 'No questions with close or reopen votes wait for review.',
} as const;

/** The review page's tab of decisions already taken (moderators), and what it says when there are none. */
export const REVIEW_DECIDED = { tab: 'Decided', empty: 'No decisions yet.' } as const;

/** The buttons of `review.resolve`'s actions, and the past tense a decided item shows. */
export const REVIEW_ACTION_LABELS = {
  dismiss: { button: 'Dismiss flags', done: 'flags dismissed' },
  delete: { button: 'Delete post', done: 'post deleted' },
  restore: { button: 'Restore post', done: 'post restored' },
  approve: { button: 'Approve', done: 'approved' },
  reject: { button: 'Reject', done: 'rejected' },
  close: { button: 'Close question', done: 'question closed' },
  'leave-open': { button: 'Leave open', done: 'left open' },
  reopen: { button: 'Reopen question', done: 'question reopened' },
  'leave-closed': { button: 'Leave closed', done: 'left closed' },
} as const;

/** What the review page says of a closed question's pending reopen votes: "2 votes to reopen". */
export function reopenVoteCount(votes: number): string {
  return `${plural(votes, 'vote')} to reopen`;
}

/** What the review page says of a suggested edit made against text that changed since. */
export const STALE_SUGGESTION_MESSAGE =
  'The post changed after this edit was suggested; the difference below is against the current text.';

/** The button that approves a stale suggestion against the post's current text (`confirm: true`). */
export const CONFIRM_STALE_APPROVAL = 'Approve against the current text';

/**
 * The question page's close controls: a moderator closes and reopens at once, a user with the
 * `closeVotes` privilege casts votes.
 */
export const CLOSE_CONTROL_LABELS = {
  moderator: { open: 'Close', submit: 'Close question', reopen: 'Reopen' },
  voter: { open: 'Vote to close', submit: 'Cast a close vote', reopen: 'Vote to reopen' },
} as const;

/**
 * What a voter reads after a close (or reopen) vote that did not change the question yet, from
 * `question.close`'s `votes` and `votesNeeded`: "Your vote counts: 1 of 3 close votes."
 */
export function closeVoteTally(kind: 'close' | 'reopen', votes: number, needed: number): string {
  return `Your vote counts: ${votes} of ${needed} ${kind} votes.`;
}

/** Why a live stream tells its client to reload what it shows (the `reload` event's `reason`). */
export const LIVE_RELOAD_REASONS = {
  unknownEvent: 'This stream does not know the event you resumed from; reload the page.',
  tooOld: 'You were away longer than live updates are kept; reload the page.',
} as const;
