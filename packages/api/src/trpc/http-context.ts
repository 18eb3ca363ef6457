import type { ApiDeps } from '../deps';
import {
  blankSessionCookie,
  SESSION_COOKIE,
  serializeSessionCookie,
  validateSessionToken,
} from '../domains/auth/session';
import type { Context, TokenSource } from './context';
import { createContextInner } from './context';

export { SESSION_COOKIE };

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
 * The context of a procedure called over HTTP: reads the request, resolves its session token to a
 * user, then delegates to `createContextInner`. No database or cache work happens when the request
 * carries no token. A session that slid gets its cookie again (new Max-Age); a dead cookie is cleared.
 */
export async function createHttpContext(options: HttpContextOptions): Promise<Context> {
  const { deps, resHeaders } = options;
  const found = readSessionToken(options.headers);
  const valid = found ? await validateSessionToken(deps, found.token) : null;
  if (found?.source === 'cookie') {
    if (!valid) resHeaders.append('set-cookie', blankSessionCookie(deps.config));
    else if (valid.refreshed) {
      resHeaders.append(
        'set-cookie',
        serializeSessionCookie(deps.config, found.token, valid.session.expiresAt),
      );
    }
  }
  return createContextInner({
    deps,
    user: valid?.user ?? null,
    session: valid ? { id: valid.session.id, expiresAt: valid.session.expiresAt } : null,
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
