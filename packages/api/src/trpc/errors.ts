import { LimitedError } from '../platform/domain-errors';

/** The `cause` of a TOO_MANY_REQUESTS error: when the caller may try again (the domain's `LimitedError`). */
export { LimitedError as RateLimitedError } from '../platform/domain-errors';

/** Throws TOO_MANY_REQUESTS with a human message and a retry-after the client and header can use. */
export function tooManyRequests(retryAfterSeconds: number, what = 'attempts'): never {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  throw new LimitedError(seconds, `Too many ${what}. Try again in ${formatWait(seconds)}.`);
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** An input-validation issue as clients receive it. */
export type ValidationIssue = { path: string; message: string };

/** Reads validation issues from a zod or Standard Schema error, or null for anything else. */
export function validationIssues(cause: unknown): ValidationIssue[] | null {
  if (!cause || typeof cause !== 'object' || !('issues' in cause)) return null;
  const { issues } = cause as { issues: unknown };
  if (!Array.isArray(issues)) return null;
  return issues.map((issue: { path?: readonly unknown[]; message?: unknown }) => ({
    path: (issue.path ?? [])
      .map((segment) =>
        typeof segment === 'object' && segment !== null && 'key' in segment
          ? String((segment as { key: unknown }).key)
          : String(segment),
      )
      .join('.'),
    message: typeof issue.message === 'string' ? issue.message : 'Invalid value',
  }));
}

/** One sentence naming every invalid field: "title: Too small…; tags: Required". */
export function describeIssues(issues: ValidationIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path || 'input'}: ${issue.message}`)
    .join('; ')
    .concat(issues.length > 5 ? ` (and ${issues.length - 5} more)` : '');
}
