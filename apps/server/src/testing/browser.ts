/** A cookie as a `Set-Cookie` header described it. */
export type SetCookie = { name: string; value: string; attributes: Map<string, string> };

/** Parses one `Set-Cookie` header value. */
export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...rest] = header.split(';');
  const at = pair.indexOf('=');
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const [key = '', ...value] = part.trim().split('=');
    attributes.set(key.toLowerCase(), value.join('='));
  }
  return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim(), attributes };
}

/**
 * A minimal browser for HTTP tests: follows no redirect by itself (tests inspect each hop) and keeps
 * the cookies servers set, sending them back on every request (paths and ports are not distinguished;
 * the tests' servers all live on 127.0.0.1).
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  /** The `Cookie` header this browser sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Sends a request with this browser's cookies and stores the cookies of the answer. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header);
      if (cookie.attributes.get('max-age') === '0' || cookie.value === '') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  /** GET without following redirects. */
  get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.fetch(url, { headers });
  }
}

/** The `Location` of a redirect, failing loudly when the answer is not one. */
export function locationOf(response: Response): string {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || !location) {
    throw new Error(`expected a redirect, got ${response.status} without a Location`);
  }
  return location;
}
