import type { BrowserContext } from 'playwright-core';

/**
 * HTTP helpers for the browser tests: what another user (or device) does over the API while a page is
 * open, with a session token as `Authorization: Bearer`; and the same token as a browser's session cookie.
 */

/** Calls a tRPC mutation of the server at `url` over plain HTTP and returns its data (throws on an error). */
export async function mutate(
  url: string,
  path: string,
  input: unknown,
  token?: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { result?: { data: Record<string, unknown> } };
  if (!response.ok || !body.result) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body.result.data;
}

/** Registers `username` (mail `<username>@example.com`) on the server at `url`; returns its session token. */
export async function register(url: string, username: string): Promise<string> {
  const { token } = await mutate(url, 'auth.register', {
    email: `${username}@example.com`,
    username,
    password: 'a long enough password',
  });
  if (typeof token !== 'string') throw new Error('no token');
  return token;
}

/** The session cookie's name (`SESSION_COOKIE`, packages/api/src/domains/auth/session.ts). */
const SESSION_COOKIE = 'devflow_session';

/** Signs a browser context in on the server at `url`: `token` becomes its session cookie. */
export async function addSession(context: BrowserContext, url: string, token: string): Promise<void> {
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url }]);
}
