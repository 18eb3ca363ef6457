import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useTRPC } from '../lib/trpc';

/** Signs out (`auth.logout`), forgets every cached query and goes home. */
export function useSignOut() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: async () => {
        queryClient.removeQueries();
        await queryClient.invalidateQueries(trpc.auth.me.queryFilter());
        navigate('/');
      },
    }),
  );
}
