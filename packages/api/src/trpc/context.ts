import type { ApiDeps } from '../deps';
import { type SessionCookies, sessionCookiesOf } from '../domains/auth/session';

/** The signed-in user as every procedure sees it. */
export type SessionUser = {
  id: number;
  username: string;
  email: string;
  role: 'user' | 'moderator' | 'admin';
  emailVerified: boolean;
  suspendedUntil: Date | null;
};

/** What the server knows about the HTTP request behind a call. */
export type RequestInfo = {
  /** Client IP (socket address, or the hop `TRUST_PROXY` names). */
  ip: string;
  userAgent: string | null;
  /** The `Origin` header, checked against `publicUrl` for cookie-authenticated mutations. */
  origin: string | null;
  requestId: string;
};

/** Where the session token came from: browsers send the cookie, other clients a Bearer header. */
export type TokenSource = 'cookie' | 'bearer';

/** Inputs of `createContextInner`: everything a test needs to act as some user without HTTP. */
export type CreateContextOptions = {
  deps: ApiDeps;
  user: SessionUser | null;
  session?: { id: string; expiresAt: Date } | null;
  tokenSource?: TokenSource | null;
  req?: Partial<RequestInfo>;
  /** Response headers (Set-Cookie, Retry-After); absent outside HTTP. */
  resHeaders?: Headers | null;
};

/** The context of every procedure. */
export type Context = {
  deps: ApiDeps;
  user: SessionUser | null;
  session: { id: string; expiresAt: Date } | null;
  tokenSource: TokenSource | null;
  req: RequestInfo;
  resHeaders: Headers | null;
  /** The session cookie of this call's response (sign-in sets it, sign-out clears it). */
  cookies: SessionCookies;
};

/**
 * Builds a context from already-resolved parts. Tests call it directly; the HTTP adapter resolves the
 * session from the request, then delegates here (tRPC's context pattern).
 */
export function createContextInner(options: CreateContextOptions): Context {
  return {
    deps: options.deps,
    user: options.user,
    session: options.session ?? null,
    tokenSource: options.tokenSource ?? null,
    req: {
      ip: options.req?.ip ?? '127.0.0.1',
      userAgent: options.req?.userAgent ?? null,
      origin: options.req?.origin ?? null,
      requestId: options.req?.requestId ?? 'internal',
    },
    resHeaders: options.resHeaders ?? null,
    cookies: sessionCookiesOf(options.deps.config, options.resHeaders ?? null),
  };
}
