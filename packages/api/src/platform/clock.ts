import type { ApiDeps } from '../deps';

/** The current time from `deps.clock` when one is injected (tests), else the system clock. */
export function now(deps: Pick<ApiDeps, 'clock'>): Date {
  return deps.clock ? deps.clock() : new Date();
}
