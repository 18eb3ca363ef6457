/**
 * The limits every side enforces or shows: the server's schemas are built from them, and the web's form
 * fields and the CLI's checks read the same numbers, so a changed limit changes everywhere at once.
 */

/** Longest note on a flag, and longest comment on a suggested edit, in characters. */
export const FLAG_NOTE_MAX = 500;

/** A question's title, in characters. */
export const TITLE_LENGTH = { min: 10, max: 200 } as const;

/** A question's or an answer's markdown body, in characters. */
export const POST_BODY_LENGTH = { min: 20, max: 50_000 } as const;

/** A reply's markdown body, in characters. */
export const REPLY_BODY_LENGTH = { min: 1, max: 10_000 } as const;

/** A username: lower-case letters, digits, `_` and `-`. */
export const USERNAME_LENGTH = { min: 3, max: 32 } as const;

/** A password, in characters. */
export const PASSWORD_LENGTH = { min: 8, max: 256 } as const;

/** An email address, in characters. */
export const EMAIL_MAX_LENGTH = 254;

/** Longest display name, in characters (code points, after trimming). */
export const DISPLAY_NAME_MAX_LENGTH = 80;

/** A profile's bio, in characters. */
export const BIO_MAX_LENGTH = 2000;

/** An avatar URL, in characters. */
export const AVATAR_URL_MAX_LENGTH = 2048;

/** The digits of a mailed one-time code. */
export const OTP_CODE_LENGTH = 6;

/** Longest tag slug. */
export const TAG_MAX_LENGTH = 35;

/** How many tags a question carries. */
export const TAGS_COUNT = { min: 1, max: 5 } as const;

/** Page size of every paginated procedure: 1..100, 20 when not given. */
export const PAGE_SIZE = { min: 1, max: 100, default: 20 } as const;

/** Most levels one `reply.thread` request returns. */
export const MAX_THREAD_DEPTH = 1000;

/**
 * Most replies one `reply.thread` page returns (its largest `limit`, for a client that wants a whole
 * thread at once); beyond it the response carries a `nextCursor`.
 */
export const MAX_THREAD_NODES = 10_000;

/** Replies in one `reply.thread` page: `limit` is 1..`MAX_THREAD_NODES`, 200 when not given. */
export const THREAD_PAGE_SIZE = { min: 1, default: 200 } as const;

/** Calls in one tRPC batch at most: the server refuses larger batches. */
export const MAX_BATCH_SIZE = 50;

/** Calls the web app and the client package put in one batch by default (below `MAX_BATCH_SIZE`). */
export const DEFAULT_BATCH_ITEMS = 20;
