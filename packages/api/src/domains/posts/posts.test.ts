import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../platform/markdown';
import { excerptOf } from './posts';

describe('excerptOf: spacing', () => {
  it('adds no space where inline markup ends before punctuation', () => {
    expect(excerptOf('<p>Fetch it with <strong>batching</strong>.</p>')).toBe('Fetch it with batching.');
    expect(excerptOf('<p>Call <code>query()</code>, then <em>wait</em>!</p>')).toBe(
      'Call query(), then wait!',
    );
    expect(excerptOf('<p>See <a href="https://example.com">the docs</a>; they explain it.</p>')).toBe(
      'See the docs; they explain it.',
    );
    expect(excerptOf('<p>un<em>believ</em>able</p>')).toBe('unbelievable');
  });

  it('keeps block elements apart with one space', () => {
    expect(excerptOf('<h1>Title</h1><p>First.</p><ul><li>one</li><li>two</li></ul><p>a<br>b</p>')).toBe(
      'Title First. one two a b',
    );
    expect(excerptOf('<pre><code>x = 1</code></pre><blockquote><p>quoted</p></blockquote>')).toBe(
      'x = 1 quoted',
    );
  });

  it('reads the sanitized HTML markdown renders to as the text a reader sees', () => {
    expect(excerptOf(renderMarkdown('Lists are slow with **batching**. Try `limit`, then _retry_.'))).toBe(
      'Lists are slow with batching. Try limit, then retry.',
    );
  });
});
