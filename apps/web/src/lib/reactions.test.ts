import { describe, expect, it } from 'vitest';
import { applyReaction, toggled } from './reactions';

const none = { likes: 3, dislikes: 1, score: 2, myReaction: null } as const;

describe('optimistic reaction counters', () => {
  it('adds a like to a post the viewer had not reacted to', () => {
    expect(applyReaction(none, 'like')).toEqual({ likes: 4, dislikes: 1, score: 3, myReaction: 'like' });
  });

  it('moves a like to a dislike in one step', () => {
    const liked = applyReaction(none, 'like');
    expect(applyReaction(liked, 'dislike')).toEqual({
      likes: 3,
      dislikes: 2,
      score: 1,
      myReaction: 'dislike',
    });
  });

  it('returns to the original counters when the reaction is cleared', () => {
    expect(applyReaction(applyReaction(none, 'dislike'), null)).toEqual(none);
  });

  it('clears the reaction when the pressed button is clicked again', () => {
    expect(toggled('like', 'like')).toBeNull();
    expect(toggled('like', 'dislike')).toBe('dislike');
    expect(toggled(null, 'like')).toBe('like');
  });
});
