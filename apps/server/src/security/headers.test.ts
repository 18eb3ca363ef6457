import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/server';

/** Parses a Content-Security-Policy header into directive → sources. */
function parseCsp(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

const builtWebDir = fileURLToPath(new URL('../../../web/dist', import.meta.url));
const webSourceHtml = fileURLToPath(new URL('../../../web/index.html', import.meta.url));

describe('security headers', () => {
  let server: TestServer;
  beforeAll(async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'devflow-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>DevFlow</title><div id="root"></div>');
    server = await startTestServer({}, webDir);
  });
  afterAll(() => server?.stop());

  for (const path of ['/', '/questions/1', '/healthz', '/trpc/health.check', '/api/nothing']) {
    it(`sends no-sniff, no-framing and a strict referrer policy on ${path}`, async () => {
      const response = await fetch(`${server.url}${path}`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      const csp = parseCsp(response.headers.get('content-security-policy'));
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('base-uri')).toEqual(["'self'"]);
    });
  }

  it('lets the web app run only scripts from its own origin: no inline, eval or third-party code', async () => {
    const response = await fetch(`${server.url}/`);
    const csp = parseCsp(response.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    for (const sources of csp.values()) {
      expect(sources).not.toContain("'unsafe-eval'");
      expect(sources).not.toContain('*');
    }
  });

  it('gives /docs its own policy (inline boot script) that still forbids framing, plugins and eval', async () => {
    const response = await fetch(`${server.url}/docs`);
    const csp = parseCsp(response.headers.get('content-security-policy'));
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).not.toContain("'unsafe-eval'");
    expect(csp.get('script-src')).toContain("'self'");
  });
});

describe('the web app works under its CSP', () => {
  // The built app when present (CI builds it before the e2e suite); otherwise the source page Vite builds from.
  const built = existsSync(join(builtWebDir, 'index.html'));
  const html = readFileSync(built ? join(builtWebDir, 'index.html') : webSourceHtml, 'utf8');

  it('has no inline script, inline event handler or javascript: URL in its page', () => {
    for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      expect(match[1], 'every script is loaded from a file').toMatch(/\bsrc=/);
      expect((match[2] ?? '').trim(), 'no inline script body').toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it('loads scripts and styles only from its own origin', () => {
    for (const match of html.matchAll(/\b(?:src|href)="([^"]+)"/gi)) {
      const url = match[1] ?? '';
      expect(url, `${url} is same-origin`).toMatch(/^\/(?!\/)/);
    }
  });
});
