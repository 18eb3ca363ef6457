import { DEFAULT_BATCH_ITEMS, MAX_BATCH_SIZE } from '@devflow/contract/limits';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import { EventSource as NodeEventSource } from 'eventsource';
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
  /**
   * The EventSource the subscriptions (`live.*`) use: the `eventsource` package by default (Node 20 has
   * none of its own, and a browser's cannot send the Bearer header), or one compatible with it.
   */
  EventSource?: typeof NodeEventSource | undefined;
};

/** Calls per HTTP batch by default (the server accepts `MAX_BATCH_SIZE`). */
export const MAX_BATCH_ITEMS = DEFAULT_BATCH_ITEMS;

/**
 * A typed DevFlow client for any TypeScript app: every procedure of `AppRouter` (`client.question.byId
 * .query({ id })`), calls made in the same tick batched into one HTTP request, and the session token sent
 * as a Bearer header; subscriptions (`client.live.question.subscribe(…)`) travel over Server-Sent Events.
 * Failures throw tRPC errors; `toDevflowError` turns them into a `DevflowError`.
 */
export function createDevflowClient(options: DevflowClientOptions): DevflowClient {
  const base = options.url.replace(/\/+$/, '');
  const token = options.token;
  const headers = async (): Promise<Record<string, string>> => {
    const value = typeof token === 'function' ? await token() : token;
    return { ...options.headers, ...(value ? { authorization: `Bearer ${value}` } : {}) };
  };
  const fetchImpl = options.fetch ?? fetch;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // Subscriptions over Server-Sent Events; the link reconnects by itself and resumes after the
        // last event it received (`lastEventId`), so nothing is missed across a reconnect.
        true: httpSubscriptionLink({
          url: `${base}/trpc`,
          EventSource: options.EventSource ?? NodeEventSource,
          eventSourceOptions: async () => {
            const extra = await headers();
            return {
              fetch: (input: string | URL | Request, init?: RequestInit) =>
                fetchImpl(input, {
                  ...init,
                  headers: { ...(init?.headers as Record<string, string>), ...extra },
                }),
            };
          },
        }),
        false: httpBatchLink({
          url: `${base}/trpc`,
          maxItems: Math.min(options.maxItems ?? MAX_BATCH_ITEMS, MAX_BATCH_SIZE),
          fetch: options.fetch,
          headers,
        }),
      }),
    ],
  });
}

/** The client `createDevflowClient` returns: one typed method per procedure. */
export type DevflowClient = TRPCClient<AppRouter>;
