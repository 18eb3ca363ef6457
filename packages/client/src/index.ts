import type { AppRouter } from '@devflow/api';
import { createTRPCClient, httpBatchLink } from '@trpc/client';

export type { AppRouter, RouterInputs, RouterOutputs } from '@devflow/api';

/** Options of `createDevflowClient`. */
export type DevflowClientOptions = {
  /** Server origin, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Session token sent as `Authorization: Bearer …`; a function is asked on every request. */
  token?: string | (() => string | null | undefined) | null;
  /** A `fetch` implementation (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
};

/** Calls per HTTP batch at most (the server accepts 50). */
export const MAX_BATCH_ITEMS = 20;

/** A typed DevFlow client for any TypeScript app: every procedure of `AppRouter`, batched over HTTP. */
export function createDevflowClient(options: DevflowClientOptions) {
  const base = options.url.replace(/\/+$/, '');
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/trpc`,
        maxItems: MAX_BATCH_ITEMS,
        fetch: options.fetch,
        headers: () => {
          const token = typeof options.token === 'function' ? options.token() : options.token;
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}

/** The client `createDevflowClient` returns. */
export type DevflowClient = ReturnType<typeof createDevflowClient>;
