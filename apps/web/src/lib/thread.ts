/**
 * Levels of replies one view shows. Deeper replies open in place with "Show more replies" (as
 * "Continue this thread" on Reddit): nesting a thousand levels would leave no room for the text.
 */
export const SHOWN_LEVELS = 6;
