import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeContentIn, XSS_PAYLOADS } from '../testing-xss';
import { renderMarkdown } from './markdown';

function expectSafe(html: string, source: string) {
  expect(activeContentIn(html), `${source} → ${html}`).toBeNull();
}

describe('renderMarkdown sanitizes what users write', () => {
  it.each(XSS_PAYLOADS)('neutralizes %s', (payload) => {
    expectSafe(renderMarkdown(payload), payload);
    expectSafe(renderMarkdown(`Some text before\n\n${payload}\n\nand after`), payload);
  });

  it('keeps ordinary markdown: emphasis, code, links (hardened), tables and https images', () => {
    const html = renderMarkdown(
      '**bold** _em_ `a < b`\n\n```ts\nconst x = 1 < 2;\n```\n\n[docs](https://example.com/a?b=1)\n\n![logo](https://example.com/l.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |',
    );
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>a &lt; b</code>');
    expect(html).toContain('<code class="language-ts">const x = 1 &lt; 2;');
    expect(html).toMatch(
      /<a href="https:\/\/example\.com\/a\?b=1" rel="nofollow ugc noopener noreferrer" target="_blank">docs<\/a>/,
    );
    expect(html).toContain('<img src="https://example.com/l.png" alt="logo" />');
    expect(html).toContain('<td>1</td>');
  });

  it('drops images that are not https (no tracking over http, no data: or javascript:)', () => {
    expect(renderMarkdown('![a](http://example.com/a.png)')).not.toContain('src=');
    expect(renderMarkdown('![a](data:image/png;base64,AAAA)')).not.toContain('src=');
  });

  it('the safety check itself spots active content (so a pass above means something)', () => {
    expect(activeContentIn('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')).toBeNull();
    expect(activeContentIn('<script>alert(1)</script>')).toBe('tag <script>');
    expect(activeContentIn('<img src="x" onerror="alert(1)">')).toMatch(/event handler/);
    expect(activeContentIn('<a href="&#106;avascript:alert(1)">x</a>')).toMatch(/javascript: URL/);
    expect(activeContentIn('<a href="java\tscript:alert(1)">x</a>')).toMatch(/javascript: URL/);
    expect(activeContentIn('<p style="x">y</p>')).toMatch(/style/);
  });

  it('shows code that contains HTML as text, escaped', () => {
    const html = renderMarkdown('```html\n<script>alert(1)</script>\n```');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expectSafe(html, 'fenced code');
  });

  it('stays safe for any mix of payload fragments and random text (property)', () => {
    const fragment = fc.oneof(
      fc.constantFrom(
        ...XSS_PAYLOADS,
        '<',
        '>',
        '"',
        "'",
        '`',
        '=',
        'javascript:',
        ' on',
        'error=',
        '&#',
        '\n\n',
        '](',
        '[x',
        '<a href=',
      ),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 12 }), (parts) => {
        const source = parts.join('');
        expectSafe(renderMarkdown(source), source);
      }),
      { numRuns: 300 },
    );
  });

  it('handles lone surrogates, NUL bytes and huge input without throwing', () => {
    expect(() => renderMarkdown('\uD800 \u0000 \uDFFF')).not.toThrow();
    const big = renderMarkdown(`${'*a* '.repeat(10_000)}\n${'> '.repeat(200)}deep`);
    expect(big.length).toBeGreaterThan(0);
  });
});
