import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { type RunningServer, startServer } from './server';

/**
 * The Content-Security-Policy in a real browser: the built web app and the `/docs` reference must work
 * under it (no violation from our own code), and it must actually stop injected script.
 */

type Violation = { directive: string; blocked: string };

let server: RunningServer;
let browser: Browser;

/** Opens `path` in a fresh page that records every CSP violation the browser reports. */
async function open(path: string): Promise<{ page: Page; violations: () => Promise<Violation[]> }> {
  const page = await browser.newPage({ baseURL: server.url });
  await page.addInitScript(() => {
    const seen: { directive: string; blocked: string }[] = [];
    Reflect.set(window, '__cspViolations', seen);
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push({ directive: event.effectiveDirective, blocked: event.blockedURI });
    });
  });
  await page.goto(path);
  return {
    page,
    violations: () =>
      page.evaluate(() => {
        const seen: unknown = Reflect.get(window, '__cspViolations');
        if (!Array.isArray(seen)) return [];
        return seen.map((entry: unknown) => ({
          directive: String(Reflect.get(Object(entry), 'directive')),
          blocked: String(Reflect.get(Object(entry), 'blocked')),
        }));
      }),
  };
}

describe('the Content-Security-Policy in Chromium', () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets the built web app render and run with no violation at all', async () => {
    const { page, violations } = await open('/');
    await page.getByRole('link', { name: 'DevFlow home' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it('lets /docs render the API reference calling nothing but this server, with no dead button', async () => {
    const page = await browser.newPage({ baseURL: server.url });
    const outside: string[] = [];
    const consoleProblems: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.origin !== server.url) outside.push(request.url());
    });
    page.on('console', (message) => {
      // Errors, and the reference's own warnings about the document (e.g. "document validation errors").
      if (
        message.type() === 'error' ||
        (message.type() === 'warning' && /document|schema/i.test(message.text()))
      ) {
        consoleProblems.push(`${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => consoleProblems.push(`pageerror: ${error.message}`));
    await page.addInitScript(() => {
      const seen: string[] = [];
      Reflect.set(window, '__cspViolations', seen);
      document.addEventListener('securitypolicyviolation', (event) => {
        seen.push(`${event.effectiveDirective} ${event.blockedURI}`);
      });
    });
    await page.goto('/docs');
    // The reference rendered the document it fetched from /openapi.json (an operation's summary shows).
    await page.getByText('Service health').first().waitFor();
    await page.getByText('The REST mirror of the DevFlow tRPC API', { exact: false }).first().waitFor();
    expect(await page.title()).toBe('DevFlow API reference');
    // Give the reference a moment to make any late calls (its AI registry, its proxy, telemetry).
    await page.waitForTimeout(1500);
    expect(outside, 'requests to another host').toEqual([]);
    expect(consoleProblems, 'console errors').toEqual([]);
    // Scalar probes `eval` once (refused, silently: the page works without it); nothing else is blocked.
    const violations: unknown = await page.evaluate(() => Reflect.get(window, '__cspViolations'));
    expect(violations, 'CSP violations').toEqual(['script-src eval']);
    // Only what works offline is offered: no AI agent, no sharing or deploying, no request client.
    for (const label of [
      'Ask AI',
      'Share',
      'Deploy',
      'Developer Tools',
      'Configure',
      'Test Request',
      'Open API Client',
    ]) {
      const visible = await page
        .getByRole('button', { name: label })
        .or(page.getByRole('link', { name: label }))
        .filter({ visible: true })
        .count();
      expect(visible, `a visible "${label}" control`).toBe(0);
    }
    await page.close();
  });

  it('refuses script injected into the app: inline script elements and event handlers', async () => {
    const { page, violations } = await open('/');
    await page.getByRole('link', { name: 'DevFlow home' }).waitFor();
    const ran = await page.evaluate(async () => {
      const inline = document.createElement('script');
      inline.textContent = 'window.__injected = true;';
      document.body.append(inline);
      const image = document.createElement('img');
      image.setAttribute('src', 'x');
      image.setAttribute('onerror', 'window.__handler = true');
      document.body.append(image);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return {
        inline: Reflect.get(window, '__injected') === true,
        handler: Reflect.get(window, '__handler') === true,
      };
    });
    expect(ran).toEqual({ inline: false, handler: false });
    const directives = (await violations()).map((violation) => violation.directive);
    expect(directives).toContain('script-src-elem');
    expect(directives).toContain('script-src-attr');
    await page.close();
  });

  it('forbids framing the app (clickjacking)', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});
