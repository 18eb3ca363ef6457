/** A user's reaction to a post, as the API names it. */
export type Reaction = 'like' | 'dislike' | null;

/** The counters a post shows next to its vote buttons. */
export type Counters = { likes: number; dislikes: number; score: number; myReaction: Reaction };

/**
 * The counters after the viewer changes their reaction from `current.myReaction` to `next` — what the
 * server will answer, computed ahead of it for an optimistic update. Score is likes minus dislikes.
 */
export function applyReaction(current: Counters, next: Reaction): Counters {
  let { likes, dislikes } = current;
  if (current.myReaction === 'like') likes -= 1;
  if (current.myReaction === 'dislike') dislikes -= 1;
  if (next === 'like') likes += 1;
  if (next === 'dislike') dislikes += 1;
  const delta = likes - dislikes - (current.likes - current.dislikes);
  return { likes, dislikes, score: current.score + delta, myReaction: next };
}

/** Clicking the button that is already pressed clears the reaction; otherwise it sets it. */
export function toggled(current: Reaction, clicked: 'like' | 'dislike'): Reaction {
  return current === clicked ? null : clicked;
}
