import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { TRPCProvider, trpcClient, useTRPC } from './lib/trpc';

const queryClient = new QueryClient();

function Health() {
  const trpc = useTRPC();
  const health = useQuery(trpc.health.check.queryOptions());
  if (health.isPending) return <p>Checking the server…</p>;
  if (health.isError) return <p role="alert">The server did not answer: {health.error.message}</p>;
  return (
    <p>
      Server {health.data.ok ? 'healthy' : 'degraded'} — database: {health.data.db}, cache:{' '}
      {health.data.cache}
    </p>
  );
}

function App() {
  return (
    <main>
      <h1>DevFlow</h1>
      <Health />
    </main>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <App />
        </TRPCProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
