import { describe, expect, it } from 'vitest';
import { diffWords } from './diff';

/** The old text and the new text a difference stands for. */
function sides(parts: ReturnType<typeof diffWords>) {
  return {
    before: parts
      .filter((part) => part.kind !== 'added')
      .map((part) => part.text)
      .join(''),
    after: parts
      .filter((part) => part.kind !== 'removed')
      .map((part) => part.text)
      .join(''),
  };
}

describe('diffWords', () => {
  it('marks only the words that changed, removed before added', () => {
    expect(diffWords('Use serde to parse JSON fast.', 'Use serde_json to parse JSON quickly.')).toEqual([
      { kind: 'same', text: 'Use ' },
      { kind: 'removed', text: 'serde' },
      { kind: 'added', text: 'serde_json' },
      { kind: 'same', text: ' to parse JSON ' },
      { kind: 'removed', text: 'fast.' },
      { kind: 'added', text: 'quickly.' },
    ]);
  });

  it('gives one unchanged run for equal texts, and whole runs against an empty text', () => {
    expect(diffWords('same text', 'same text')).toEqual([{ kind: 'same', text: 'same text' }]);
    expect(diffWords('', 'new words')).toEqual([{ kind: 'added', text: 'new words' }]);
    expect(diffWords('old words', '')).toEqual([{ kind: 'removed', text: 'old words' }]);
  });

  it('keeps both texts whole, line breaks included, even when the middle is too long to compare', () => {
    const before = 'intro\n\nfirst paragraph\nsecond line\n\noutro';
    const after = 'intro\n\nfirst para\nsecond line added\n\noutro';
    expect(sides(diffWords(before, after))).toEqual({ before, after });
    const long = (word: string) => Array.from({ length: 3000 }, (_, i) => `${word}${i}`).join(' ');
    const parts = diffWords(`start ${long('a')} end`, `start ${long('b')} end`);
    expect(sides(parts)).toEqual({ before: `start ${long('a')} end`, after: `start ${long('b')} end` });
    expect(parts.map((part) => part.kind)).toEqual(['same', 'removed', 'added', 'same']);
  });
});
