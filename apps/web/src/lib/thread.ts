/**
 * Levels of replies one view shows. Deeper replies go on on their own page ("Continue this thread", as on
 * Reddit), so indentation never grows past this many levels: nesting a thousand levels in place left no
 * room for the text and made the page wider than the window.
 */
export const SHOWN_LEVELS = 6;

/** What a reply thread hangs from. */
export type ThreadTarget = { targetType: 'question' | 'answer'; targetId: string };

/**
 * The page of the subtree rooted at `replyId` (the web app's routes in `App.tsx`):
 * `/questions/:id/replies/:replyId` under the question, `/questions/:id/answers/:answerId/replies/:replyId`
 * under one of its answers.
 */
export function threadPath(questionId: string, target: ThreadTarget, replyId: string): string {
  const base = `/questions/${encodeURIComponent(questionId)}`;
  const reply = `replies/${encodeURIComponent(replyId)}`;
  return target.targetType === 'question'
    ? `${base}/${reply}`
    : `${base}/answers/${encodeURIComponent(target.targetId)}/${reply}`;
}
