import { readFile } from 'node:fs/promises';
import type { AppRouter } from '@devflow/api';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';

/** How a test client authenticates: a Bearer token, a raw Cookie header, and the Origin it claims. */
export type ClientAuth = { token?: string; cookie?: string; origin?: string };

/**
 * A real `@trpc/client` against a test server. `lastResponse(client)` gives its latest HTTP response,
 * so tests can read `Set-Cookie` and `Retry-After` like a browser would.
 */
export function testClient(url: string, auth: ClientAuth = {}) {
  let lastResponse: Response | null = null;
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        maxItems: 1,
        url: `${url}/trpc`,
        headers: () => ({
          ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
          ...(auth.cookie ? { cookie: auth.cookie } : {}),
          ...(auth.origin ? { origin: auth.origin } : {}),
        }),
        fetch: async (input, init) => {
          lastResponse = await fetch(input, init);
          return lastResponse;
        },
      }),
    ],
  });
  lastResponses.set(client, () => {
    if (!lastResponse) throw new Error('no request made yet');
    return lastResponse;
  });
  return client;
}

const lastResponses = new WeakMap<object, () => Response>();

/** The latest HTTP response `client` (from `testClient`) received. */
export function lastResponse(client: object): Response {
  const last = lastResponses.get(client);
  if (!last) throw new Error('not a test client');
  return last();
}

/** The failure of `promise` as a tRPC client error (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** One line of the mail outbox. */
export type OutboxMail = { to: string; subject: string; text: string; code: string | null; at: string };

/** Mails in the outbox file (none when it does not exist yet). */
export async function readOutbox(path: string): Promise<OutboxMail[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OutboxMail);
}

/**
 * Waits (up to 20 s, polling) for the `index`-th mail to `to` in the outbox and returns its code. Code
 * mails are jobs (`packages/api/src/platform/jobs.ts`): the answer comes before the mail. A test with
 * the server in-process can also `await server.deps.jobs.drainJobs()` first.
 */
export async function codeFromOutbox(path: string, to: string, index = 0): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const mails = (await readOutbox(path)).filter((mail) => mail.to === to);
    const code = mails[index]?.code;
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no mail #${index + 1} to ${to} in ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The value of the session cookie a response sets ('' when it clears it), or null when it sets none. */
export function sessionCookieOf(response: Response): { value: string; maxAge: number | null } | null {
  for (const header of response.headers.getSetCookie()) {
    const match = /^devflow_session=([^;]*)/.exec(header);
    if (match) {
      const maxAge = /Max-Age=(\d+)/i.exec(header)?.[1];
      return { value: match[1] ?? '', maxAge: maxAge === undefined ? null : Number(maxAge) };
    }
  }
  return null;
}
