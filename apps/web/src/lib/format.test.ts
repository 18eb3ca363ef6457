import { describe, expect, it } from 'vitest';
import { plural, pluralWord } from './format';

describe('plural', () => {
  it('uses the singular for one and the plural for every other count', () => {
    expect([0, 1, 2, 1000].map((count) => plural(count, 'view'))).toEqual([
      '0 views',
      '1 view',
      '2 views',
      '1,000 views',
    ]);
    expect(plural(1, 'reply', 'replies')).toBe('1 reply');
    expect(plural(5, 'reply', 'replies')).toBe('5 replies');
  });

  it('gives the word alone for counts shown apart from it', () => {
    expect(pluralWord(1, 'question')).toBe('question');
    expect(pluralWord(3, 'follower')).toBe('followers');
    expect(pluralWord(0, 'answer')).toBe('answers');
  });
});
