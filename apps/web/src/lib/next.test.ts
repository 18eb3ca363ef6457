import { describe, expect, it } from 'vitest';
import { oauthStartUrl } from '../components/OAuthButtons';
import { safeNext } from './next';

const origin = 'http://127.0.0.1:3000';

/** Where the browser ends up when the app navigates to `path` from the sign-in page. */
const landing = (path: string) => new URL(path, `${origin}/signin?next=x`);

describe('the ?next= page after sign-in', () => {
  it.each([
    '/.//evil.com',
    '/..//evil.com',
    '/%2e//evil.com',
    '/a/../..//evil.com',
    '/.//evil.com/path?x=1#y',
    '/\\evil.com',
    '/%5Cevil.com',
    '/\t/evil.com',
    '/\n/evil.com',
    '//evil.com',
    'https://evil.com',
  ])('stays on the site for %j, also through the OAuth start link', (next) => {
    const path = safeNext(next, origin);
    expect(landing(path).origin).toBe(origin);
    expect(path).toMatch(/^\/(?![/\\])/);
    // What the server receives as `returnTo` is already that same-origin path.
    const start = new URL(oauthStartUrl('github', path), origin);
    expect(start.searchParams.get('returnTo')).toBe(path);
    // And the path is normalized: the address bar shows exactly it.
    const landed = landing(path);
    expect(`${landed.pathname}${landed.search}${landed.hash}`).toBe(path);
  });

  it.each([
    ['/questions/42?tab=answers#a7', '/questions/42?tab=answers#a7'],
    ['/feed', '/feed'],
    ['/a/../questions', '/questions'],
    [null, '/'],
  ])('opens %j as %j', (next, expected) => {
    expect(safeNext(next, origin)).toBe(expected);
  });
});
