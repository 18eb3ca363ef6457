import { hashKey, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { safeNext } from '../lib/next';
import { useTRPC } from '../lib/trpc';
import type { Me } from './useMe';

/**
 * What happens after a successful sign-in or sign-up: every other cached query is dropped (they were
 * fetched as somebody else), the current user becomes the one `auth.register` / `auth.login` answered —
 * set in the cache before anything else renders, so the header never shows "Sign in" in between — and
 * the page the user came from (`?next=`, else `fallback`) opens; `fallback: null` stays on the page.
 */
export function useSignedIn() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (user: NonNullable<Me>, fallback: string | null = '/') => {
    const meKey = trpc.auth.me.queryKey();
    const meHash = hashKey(meKey);
    queryClient.removeQueries({ predicate: (query) => query.queryHash !== meHash });
    queryClient.setQueryData(meKey, user);
    if (fallback === null) return;
    navigate(params.get('next') ? safeNext(params.get('next')) : fallback);
  };
}
