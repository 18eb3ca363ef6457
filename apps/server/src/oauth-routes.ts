import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ApiDeps,
  beginOAuth,
  completeOAuth,
  createSession,
  invalidateSession,
  isOAuthProvider,
  OAUTH_FLOW_TTL_SECONDS,
  type OAuthErrorReason,
  OAuthFlowError,
  type OAuthProvider,
  PROVIDER_LABELS,
  providerConfig,
  readSessionToken,
  serializeSessionCookie,
  validateSessionToken,
} from '@devflow/api';
import { OAUTH_ERROR_MESSAGES } from '@devflow/contract';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { RequestIdVariables } from 'hono/request-id';
import { clientIp } from './client-ip';
import type { ServerLogger } from './logger';

/** The cookie that binds a started sign-in to this browser; only `/auth/oauth/*` ever sees it. */
export const OAUTH_STATE_COOKIE = 'devflow_oauth_state';

/** Seconds the state cookie lives: as long as the server keeps the flow (`OAUTH_FLOW_TTL_SECONDS`). */
const STATE_COOKIE_MAX_AGE = OAUTH_FLOW_TTL_SECONDS;

const errorMessages = new Map<string, string>(Object.entries(OAUTH_ERROR_MESSAGES));

/** What the OAuth routes need. */
export type OAuthRoutesOptions = {
  deps: ApiDeps;
  log: ServerLogger;
  trustProxy: number;
  /** Folder of the built web app; its `index.html` renders `/auth/error` when present. */
  webDir: string;
};

type Env = { Variables: RequestIdVariables };

/**
 * `/auth/oauth/:provider` (redirect to the provider, `?returnTo=/path`, `?link=1` to link to the
 * signed-in account), `/auth/oauth/:provider/callback` (sign in and redirect back), and `/auth/error`.
 * Business rules live in the API package (`beginOAuth`, `completeOAuth`); this only adapts HTTP.
 */
export function oauthRoutes(options: OAuthRoutesOptions) {
  const { deps, log, trustProxy, webDir } = options;
  const routes = new Hono<Env>();

  const enabledProvider = (c: Context<Env>): OAuthProvider | null => {
    const name = c.req.param('provider') ?? '';
    return isOAuthProvider(name) && providerConfig(deps.config.oauth, name) ? name : null;
  };

  const notEnabled = (c: Context<Env>) => {
    const name = c.req.param('provider') ?? '';
    const label = isOAuthProvider(name) ? PROVIDER_LABELS[name] : `"${name}"`;
    return c.json(
      { error: { code: 'NOT_FOUND', message: `Sign-in with ${label} is not enabled on this server.` } },
      404,
    );
  };

  const failTo = (c: Context<Env>, provider: string, error: unknown) => {
    const reason: OAuthErrorReason = error instanceof OAuthFlowError ? error.reason : 'server_error';
    const fields = { requestId: c.get('requestId'), provider, reason };
    if (reason === 'server_error') log.error({ ...fields, err: error }, 'oauth sign-in failed');
    else
      log.warn(
        { ...fields, detail: error instanceof Error ? error.message : String(error) },
        'oauth refused',
      );
    return c.redirect(`/auth/error?reason=${reason}`, 302);
  };

  const currentSession = async (c: Context<Env>) => {
    const found = readSessionToken(c.req.raw.headers);
    if (!found) return null;
    const valid = await validateSessionToken(deps, found.token);
    return valid ? { userId: valid.user.id, sessionId: valid.session.id } : null;
  };

  routes.get('/oauth/:provider', async (c) => {
    const provider = enabledProvider(c);
    if (!provider) return notEnabled(c);
    c.header('cache-control', 'no-store');
    try {
      const linking = c.req.query('link') === '1' || c.req.query('link') === 'true';
      const linkUserId = linking ? ((await currentSession(c))?.userId ?? null) : null;
      if (linking && linkUserId === null) {
        throw new OAuthFlowError('sign_in_required', 'linking needs a signed-in user');
      }
      const { url, state } = await beginOAuth(deps, {
        provider,
        returnTo: c.req.query('returnTo') ?? null,
        linkUserId,
        ip: clientIp(getConnInfo(c).remote.address, c.req.header('x-forwarded-for'), trustProxy),
      });
      setCookie(c, OAUTH_STATE_COOKIE, state, {
        path: '/auth/oauth',
        httpOnly: true,
        sameSite: 'Lax',
        secure: deps.config.secureCookies,
        maxAge: STATE_COOKIE_MAX_AGE,
      });
      return c.redirect(url, 302);
    } catch (error) {
      return failTo(c, provider, error);
    }
  });

  routes.get('/oauth/:provider/callback', async (c) => {
    const provider = enabledProvider(c);
    if (!provider) return notEnabled(c);
    c.header('cache-control', 'no-store');
    const cookieState = getCookie(c, OAUTH_STATE_COOKIE) ?? null;
    // The state is single use whatever happens next.
    setCookie(c, OAUTH_STATE_COOKIE, '', {
      path: '/auth/oauth',
      httpOnly: true,
      sameSite: 'Lax',
      secure: deps.config.secureCookies,
      maxAge: 0,
    });
    try {
      const current = await currentSession(c);
      const outcome = await completeOAuth(deps, {
        provider,
        code: c.req.query('code') ?? null,
        state: c.req.query('state') ?? null,
        error: c.req.query('error') ?? null,
        cookieState,
        currentUserId: current?.userId ?? null,
      });
      if (outcome.kind === 'signed_in') {
        const { token, expiresAt } = await createSession(deps, {
          userId: outcome.userId,
          ip: clientIp(getConnInfo(c).remote.address, c.req.header('x-forwarded-for'), trustProxy),
          userAgent: c.req.header('user-agent') ?? null,
        });
        c.header('set-cookie', serializeSessionCookie(deps.config, token, expiresAt), { append: true });
        // The browser's previous session (maybe another account's) ends: one browser, one session.
        if (current) await invalidateSession(deps, current.sessionId);
        log.info(
          { requestId: c.get('requestId'), provider, userId: outcome.userId, created: outcome.created },
          'oauth sign-in',
        );
      } else {
        log.info(
          { requestId: c.get('requestId'), provider, userId: outcome.userId },
          'oauth provider linked',
        );
      }
      return c.redirect(outcome.returnTo, 302);
    } catch (error) {
      return failTo(c, provider, error);
    }
  });

  const indexFile = join(webDir, 'index.html');
  const webIndex = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null;
  routes.get('/error', (c) => {
    c.header('cache-control', 'no-store');
    if (webIndex !== null) return c.html(webIndex);
    const message = errorMessages.get(c.req.query('reason') ?? '') ?? OAUTH_ERROR_MESSAGES.server_error;
    return c.html(errorPage(message));
  });

  return routes;
}

/** The fallback `/auth/error` page when the web app is not built: the message and a way back. */
function errorPage(message: string): string {
  const escaped = message.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed · DevFlow</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
<h1>Sign-in failed</h1>
<p>${escaped}</p>
<p><a href="/">Back to DevFlow</a></p>
</body></html>`;
}
