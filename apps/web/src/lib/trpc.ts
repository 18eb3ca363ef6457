import type { AppRouter } from '@devflow/api';
import { DEFAULT_BATCH_ITEMS } from '@devflow/contract/limits';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

export type { RouterInputs, RouterOutputs } from '@devflow/api';

/** Calls in one HTTP batch at most (the server accepts `MAX_BATCH_SIZE`). */
export const MAX_BATCH_ITEMS = DEFAULT_BATCH_ITEMS;

/** The typed tRPC client: same origin, session cookie sent automatically. */
export const trpcClient = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: '/trpc', maxItems: MAX_BATCH_ITEMS })],
});

/** React bindings: `useTRPC()` gives typed query and mutation options for TanStack Query. */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
