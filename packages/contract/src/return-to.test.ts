import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RETURN_PATH_MAX_LENGTH, safeReturnPath } from './return-to';

const ORIGINS = ['http://127.0.0.1:3000', 'https://devflow.example.com'];

/** Payloads of the security review (issue 14, item 4) and their backslash, tab and newline variants. */
const OPEN_REDIRECT_PAYLOADS = [
  '/.//evil.com',
  '/..//evil.com',
  '/%2e//evil.com',
  '/%2E%2E//evil.com',
  '/a/../..//evil.com',
  '/.//evil.com/path?x=1#y',
  '/\\evil.com',
  '/\\/evil.com',
  '/.\\/evil.com',
  '/%5Cevil.com',
  '/.%5C/evil.com',
  '/\t/evil.com',
  '/\n/evil.com',
  '/.\r\n//evil.com',
  '/./\t/evil.com',
  '//evil.com',
  '///evil.com',
  'https://evil.com/',
  '/\\\\evil.com',
];

/** What a browser does with the answer: resolve it against the page it is on. */
function resolvesOnSite(answer: string, origin: string): boolean {
  return new URL(answer, `${origin}/auth/oauth/github/callback?code=x`).origin === origin;
}

/** Pieces that have broken return-path checks: dot segments, encoded dots and slashes, controls. */
const piece = fc.constantFrom(
  '/',
  '//',
  '\\',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2f',
  '%2F',
  '%5c',
  '%5C',
  '%09',
  '\t',
  '\n',
  '\r',
  ' ',
  '\u0000',
  '@',
  ':',
  '?',
  '#',
  '&x=1',
  'evil.com',
  'a',
  'questions',
  'auth',
  'http:',
  'javascript:',
  '\u3002',
  '％２ｅ',
  '%',
);

/** Paths built from those pieces (mostly starting with `/`), plus arbitrary strings and URLs. */
const candidate: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(piece, { maxLength: 8 }).map((parts) => `/${parts.join('')}`) },
  { weight: 1, arbitrary: fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.webPath() },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((text) => `/${text}`) },
);

describe('safeReturnPath', () => {
  it.each(ORIGINS)('sends every reported payload home on %s', (origin) => {
    for (const payload of OPEN_REDIRECT_PAYLOADS) {
      const answer = safeReturnPath(payload, origin);
      expect(resolvesOnSite(answer, origin), `${JSON.stringify(payload)} → ${answer}`).toBe(true);
      expect(answer, JSON.stringify(payload)).toMatch(/^\/(?![/\\])/);
    }
    expect(safeReturnPath('/.//evil.com', origin)).toBe('/');
    expect(safeReturnPath('/a/../..//evil.com', origin)).toBe('/');
    expect(safeReturnPath('/\\evil.com', origin)).toBe('/');
  });

  it.each([
    ['/questions/1?sort=top#answers', '/questions/1?sort=top#answers'],
    ['/a/../b', '/b'],
    ['/users/zo%C3%AB', '/users/zo%C3%AB'],
    ['/search?q=a%2F%2Fb', '/search?q=a%2F%2Fb'],
    [null, '/'],
    [undefined, '/'],
    ['', '/'],
    ['questions', '/'],
    ['https://devflow.example.com/x', '/'],
    ['javascript:alert(1)', '/'],
    ['/auth/oauth/github', '/'],
    ['/auth', '/'],
    [`/${'x'.repeat(RETURN_PATH_MAX_LENGTH)}`, '/'],
  ])('turns %j into %j', (value, expected) => {
    expect(safeReturnPath(value, 'https://devflow.example.com')).toBe(expected);
  });

  it('answers only same-origin paths, whatever it is given (property)', () => {
    fc.assert(
      fc.property(candidate, fc.constantFrom(...ORIGINS), (value, origin) => {
        const answer = safeReturnPath(value, origin);
        // A single leading slash: the browser reads it as a path on this site, never as `//host`.
        expect(answer).toMatch(/^\/(?![/\\])/);
        expect(resolvesOnSite(answer, origin)).toBe(true);
        // Already normalized: checking it again changes nothing, and the browser lands on it as written.
        expect(safeReturnPath(answer, origin)).toBe(answer);
        const landed = new URL(answer, origin);
        expect(`${landed.pathname}${landed.search}${landed.hash}`).toBe(answer);
      }),
      { numRuns: 2000, examples: OPEN_REDIRECT_PAYLOADS.map((payload) => [payload, ORIGINS[0] ?? '']) },
    );
  });

  it('keeps ordinary paths as they are (property)', () => {
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
    const path = fc
      .tuple(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.option(segment), fc.option(segment))
      .map(
        ([parts, query, hash]) => `/${parts.join('/')}${query ? `?q=${query}` : ''}${hash ? `#${hash}` : ''}`,
      )
      .filter((value) => !value.startsWith('/auth/') && value !== '/auth');
    fc.assert(
      fc.property(path, (value) => {
        expect(safeReturnPath(value, ORIGINS[0] ?? '')).toBe(value);
      }),
    );
  });
});
