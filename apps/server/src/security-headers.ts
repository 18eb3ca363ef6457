import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** Options of Hono's `secureHeaders` (the type is not exported by name). */
type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

/**
 * The Content-Security-Policy of the web app: code only from our own origin (no inline or injected
 * scripts, no plugins), never framed (clickjacking), no `<base>` hijacking, forms post only to us.
 * Images may come from any https origin because avatars and markdown images are user-supplied https URLs.
 */
export const APP_CSP: NonNullable<SecureHeadersOptions['contentSecurityPolicy']> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'https:', 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/**
 * The interactive API reference at `/docs` boots from a small inline script: it gets the same policy
 * with inline scripts allowed there and nowhere else (the page renders no user content).
 */
export const DOCS_CSP: NonNullable<SecureHeadersOptions['contentSecurityPolicy']> = {
  ...APP_CSP,
  scriptSrc: ["'self'", "'unsafe-inline'"],
};

const common: SecureHeadersOptions = {
  xFrameOptions: 'DENY',
  referrerPolicy: 'strict-origin-when-cross-origin',
  xContentTypeOptions: 'nosniff',
};

/**
 * Security headers on every response (Hono `secure-headers`): CSP, `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options: DENY`, a strict referrer policy, HSTS and cross-origin isolation defaults.
 */
export function securityHeaders(): MiddlewareHandler {
  const app = secureHeaders({ ...common, contentSecurityPolicy: APP_CSP });
  const docs = secureHeaders({ ...common, contentSecurityPolicy: DOCS_CSP });
  return (c, next) =>
    c.req.path === '/docs' || c.req.path.startsWith('/docs/') ? docs(c, next) : app(c, next);
}
