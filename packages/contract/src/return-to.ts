// Browser-safe on purpose: no imports, only the WHATWG URL parser that Node and browsers share. The web
// app imports this file (`@devflow/api/return-to`) for its `?next=` links, the server for `?returnTo=`.

/** Longest return path accepted; a longer one falls back to `/`. */
export const RETURN_PATH_MAX_LENGTH = 1000;

/**
 * Where to send the browser after sign-in: the path `value` names on `origin` (the site's own
 * origin, e.g. `PUBLIC_URL` or `window.location.origin`), or `/` when that is not a same-origin page.
 *
 * The rule is checked on the result, not on the input: `value` is resolved by the URL parser against
 * `origin` (which strips tabs and newlines, reads `\` as `/`, resolves `.`, `..` and `%2e`), and the
 * answer is kept only when the resolved URL has the same origin and its path+query+fragment starts
 * with one `/` that is not followed by `/` or `\` — so a browser resolving the answer can never leave
 * the site (`/.//evil.com` resolves to the path `//evil.com`, which a browser reads as another host).
 * The `/auth/` routes are refused too, so a sign-in never returns into another sign-in.
 */
export function safeReturnPath(value: string | null | undefined, origin: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > RETURN_PATH_MAX_LENGTH)
    return '/';
  let base: URL;
  let target: URL;
  try {
    base = new URL(origin);
    target = new URL(value, base);
  } catch {
    return '/';
  }
  if (target.origin !== base.origin) return '/';
  const path = `${target.pathname}${target.search}${target.hash}`;
  if (!/^\/(?![/\\])/.test(path)) return '/';
  if (target.pathname === '/auth' || target.pathname.startsWith('/auth/')) return '/';
  return path;
}
