import type { MiddlewareHandler } from 'hono';

/** Methods whose input travels in the body on `/trpc` and the REST mirror. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Whether the request's headers say it has no content: `Content-Length: 0`, or neither a length nor
 * chunked transfer coding (RFC 9112, section 6.3: such a request's body is empty). Decided from the
 * headers alone, so no body is read here.
 */
function hasNoContent(contentLength: string | undefined, transferEncoding: string | undefined): boolean {
  if (contentLength !== undefined) return contentLength.trim() === '0';
  return transferEncoding === undefined;
}

/**
 * Makes a POST without content a call without input on `/trpc/*` and `/api/*`. `@trpc/client`'s
 * unbatched `httpLink` sends an input-less mutation as a bodiless POST (with `Content-Type:
 * application/json`), and curl or a generated REST client may send one with no content type at all;
 * tRPC's fetch adapter and the REST adapter would try to parse the empty body as JSON (400) or refuse
 * the missing type (415). This replaces such a request with one carrying the JSON body `{}`: for a
 * batch that is tRPC's own encoding of "no input for any call", for a single call (and REST) an empty
 * object, which the input-less procedures' `noInput` accepts, an input whose fields are all optional
 * reads as its defaults, and any other input refuses naming the fields it needs. It runs before both the
 * fast path (`trpc-fast-path.ts`) and the stock adapter, so the two answer alike. A declared content
 * type other than JSON is left alone (the adapters refuse it with 415), and so is a chunked body.
 */
export function emptyBodyAsNoInput(): MiddlewareHandler {
  return async (c, next) => {
    if (!BODY_METHODS.has(c.req.method)) return next();
    if (!hasNoContent(c.req.header('content-length'), c.req.header('transfer-encoding'))) return next();
    const contentType = c.req.header('content-type');
    if (
      contentType !== undefined &&
      contentType.split(';', 1)[0]?.trim().toLowerCase() !== 'application/json'
    ) {
      return next();
    }
    const headers = new Headers(c.req.raw.headers);
    headers.set('content-type', 'application/json');
    headers.delete('content-length');
    c.req.raw = new Request(c.req.url, {
      method: c.req.method,
      headers,
      body: '{}',
      signal: c.req.raw.signal,
    });
    return next();
  };
}
