import { useQuery } from '@tanstack/react-query';
import { type RouterOutputs, useTRPC } from '../lib/trpc';

/** The signed-in user as `auth.me` returns it, or null. */
export type Me = RouterOutputs['auth']['me'];

/** The current user (`auth.me`): `data` is null when signed out. */
export function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
}

/** True for moderators and admins. */
export function isModerator(me: Me): boolean {
  return me?.role === 'moderator' || me?.role === 'admin';
}
