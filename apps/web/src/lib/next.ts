import { safeReturnPath } from '@devflow/contract/return-to';

/**
 * The page to open after sign-in for a `?next=` value: a path of this site, or `/`. The same rule as
 * the server's OAuth `returnTo` (`packages/contract/src/return-to.ts`), checked on the resolved path, so
 * `/.//evil.example` or `/\evil.example` never leave the site, here or after an OAuth round trip.
 */
export function safeNext(next: string | null, origin: string = window.location.origin): string {
  return safeReturnPath(next, origin);
}
