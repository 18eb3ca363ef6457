import type { AppRouter } from '@devflow/api';
import { DEFAULT_BATCH_ITEMS } from '@devflow/contract/limits';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

export type { RouterInputs, RouterOutputs } from '@devflow/api';

/** Calls in one HTTP batch at most (the server accepts `MAX_BATCH_SIZE`). */
export const MAX_BATCH_ITEMS = DEFAULT_BATCH_ITEMS;

/**
 * The typed tRPC client: same origin, session cookie sent automatically. Queries and mutations go in
 * HTTP batches; subscriptions (`live.*`) go over Server-Sent Events (EventSource), and the link resumes
 * a dropped stream with the last event id it received (`lastEventId`).
 */
export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url: '/trpc' }),
      false: httpBatchLink({ url: '/trpc', maxItems: MAX_BATCH_ITEMS }),
    }),
  ],
});

/** React bindings: `useTRPC()` gives typed query and mutation options for TanStack Query. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
