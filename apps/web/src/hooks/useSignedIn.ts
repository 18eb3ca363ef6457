import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { safeNext } from '../lib/next';
import { useTRPC } from '../lib/trpc';

/**
 * What happens after a successful sign-in or sign-up: every cached query is dropped (they were fetched
 * as somebody else), the current user is refetched and the page the user came from (`?next=`) opens.
 */
export function useSignedIn() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return async (fallback?: string) => {
    queryClient.removeQueries();
    await queryClient.fetchQuery(trpc.auth.me.queryOptions());
    navigate(params.get('next') ? safeNext(params.get('next')) : (fallback ?? '/'));
  };
}
