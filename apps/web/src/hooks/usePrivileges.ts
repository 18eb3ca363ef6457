import { type Privilege, privilegeRefusal } from '@devflow/contract/privileges';
import { useQuery } from '@tanstack/react-query';
import { type RouterOutputs, useTRPC } from '../lib/trpc';
import { useMe } from './useMe';

/** What `user.privileges` answers: the caller's reputation, the preset and every privilege. */
export type Privileges = RouterOutputs['user']['privileges'];

/** The signed-in user's privileges (`user.privileges`); no request while signed out. */
export function usePrivileges() {
  const trpc = useTRPC();
  const signedIn = Boolean(useMe().data);
  return useQuery(trpc.user.privileges.queryOptions(undefined, { enabled: signedIn, staleTime: 30_000 }));
}

/**
 * Why the caller may not use `privilege`, as the API would refuse it ("Downvoting needs 125 reputation;
 * you have 12."), or null when they may — or when it is not known yet, or when only a suspension stands in
 * the way (the server's refusal explains that one).
 */
export function blockedReason(privileges: Privileges | undefined, privilege: Privilege): string | null {
  const row = privileges?.privileges.find((entry) => entry.name === privilege);
  if (!privileges || !row || row.granted) return null;
  if (row.threshold !== null && privileges.reputation >= row.threshold) return null;
  return privilegeRefusal(privilege, row.threshold, privileges.reputation);
}

/** Whether the caller has `privilege` (false while unknown). */
export function hasPrivilege(privileges: Privileges | undefined, privilege: Privilege): boolean {
  return privileges?.privileges.find((entry) => entry.name === privilege)?.granted ?? false;
}
