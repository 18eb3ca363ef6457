import { DEFAULT_BATCH_ITEMS, MAX_BATCH_SIZE } from '@devflow/contract/limits';
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { AppRouter } from './types';

/** A session token, or a function asked for it on every request (so a sign-in is picked up at once). */
export type TokenSource =
  | string
  | null
  | (() => string | null | undefined | Promise<string | null | undefined>);

/** Options of `createDevflowClient`. */
export type DevflowClientOptions = {
  /** Server origin, e.g. `http://127.0.0.1:3000` (a trailing slash is fine). */
  url: string;
  /** Session token sent as `Authorization: Bearer …`. */
  token?: TokenSource | undefined;
  /** A `fetch` implementation (tests, proxies, timeouts); the global one by default. */
  fetch?: typeof fetch | undefined;
  /** Calls per HTTP batch at most; the server refuses batches above `MAX_BATCH_SIZE` (50). */
  maxItems?: number | undefined;
  /** Extra headers sent with every request (e.g. `user-agent`). */
  headers?: Record<string, string> | undefined;
};

/** Calls per HTTP batch by default (the server accepts `MAX_BATCH_SIZE`). */
export const MAX_BATCH_ITEMS = DEFAULT_BATCH_ITEMS;

/**
 * A typed DevFlow client for any TypeScript app: every procedure of `AppRouter` (`client.question.byId
 * .query({ id })`), calls made in the same tick batched into one HTTP request, and the session token sent
 * as a Bearer header. Failures throw tRPC errors; `toDevflowError` turns them into a `DevflowError`.
 */
export function createDevflowClient(options: DevflowClientOptions): DevflowClient {
  const base = options.url.replace(/\/+$/, '');
  const token = options.token;
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/trpc`,
        maxItems: Math.min(options.maxItems ?? MAX_BATCH_ITEMS, MAX_BATCH_SIZE),
        fetch: options.fetch,
        headers: async () => {
          const value = typeof token === 'function' ? await token() : token;
          return { ...options.headers, ...(value ? { authorization: `Bearer ${value}` } : {}) };
        },
      }),
    ],
  });
}

/** The client `createDevflowClient` returns: one typed method per procedure. */
export type DevflowClient = TRPCClient<AppRouter>;
