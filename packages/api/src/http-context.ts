import type { Context, TokenSource } from './context';
import { createContextInner } from './context';
import type { ApiDeps } from './deps';

/** The name of the session cookie (CONTRACT.md). */
export const SESSION_COOKIE = 'devflow_session';

/** Reads the session token from `Authorization: Bearer …` or the session cookie. */
export function readSessionToken(headers: Headers): { token: string; source: TokenSource } | null {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match?.[1]) return { token: match[1], source: 'bearer' };
  }
  const cookie = headers.get('cookie');
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === SESSION_COOKIE && value.length > 0) {
        const token = decodeURIComponent(value.join('='));
        if (token) return { token, source: 'cookie' };
      }
    }
  }
  return null;
}

/** What the HTTP adapter knows about a request. */
export type HttpContextOptions = {
  deps: ApiDeps;
  headers: Headers;
  ip: string;
  requestId: string;
  resHeaders: Headers;
};

/**
 * The context of a procedure called over HTTP: reads the request, then delegates to
 * `createContextInner`. No database work happens here when the request carries no token.
 */
export async function createHttpContext(options: HttpContextOptions): Promise<Context> {
  const found = readSessionToken(options.headers);
  return createContextInner({
    deps: options.deps,
    user: null,
    tokenSource: found?.source ?? null,
    req: {
      ip: options.ip,
      userAgent: options.headers.get('user-agent'),
      origin: options.headers.get('origin'),
      requestId: options.requestId,
    },
    resHeaders: options.resHeaders,
  });
}
