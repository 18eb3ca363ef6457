import type { Cache } from '@devflow/cache';
import { createTestCache } from '@devflow/cache/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../config';
import { LimitedError } from './domain-errors';
import { consume, refund, resetLimit } from './rate-limit';

/** `writes` with 10 points: the limit these tests count against (on Redis when `REDIS_URL` is set). */
const cache: Cache = createTestCache();
const deps = {
  cache,
  config: defaultApiConfig({
    rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 10, durationSeconds: 60 } },
  }),
};
afterAll(() => cache.close());

let keys = 0;
const freshKey = () => `key${++keys}`;

/** How many of `n` simultaneous consumes for `key` were let through (the others must be 429). */
async function admitted(key: string, n: number): Promise<number> {
  const results = await Promise.allSettled(Array.from({ length: n }, () => consume(deps, 'writes', key)));
  for (const result of results) {
    if (result.status === 'rejected') {
      expect(result.reason).toBeInstanceOf(LimitedError);
      expect((result.reason as LimitedError).kind).toBe('TOO_MANY_REQUESTS');
    }
  }
  return results.filter((result) => result.status === 'fulfilled').length;
}

describe(`rate limits on the ${cache.kind} store`, () => {
  it('lets exactly the limit through when 100 calls consume at once', async () => {
    expect(await admitted(freshKey(), 100)).toBe(10);
  });

  it('a refund gives one point back; refused calls keep none', async () => {
    const key = freshKey();
    expect(await admitted(key, 15)).toBe(10);
    await refund(deps, 'writes', key);
    await refund(deps, 'writes', key);
    expect(await admitted(key, 5)).toBe(2);
  });

  it('a refund never lowers a count below zero (nothing reserved, or after a reset)', async () => {
    const key = freshKey();
    await Promise.all(Array.from({ length: 5 }, () => refund(deps, 'writes', key)));
    expect(await admitted(key, 20)).toBe(10);
    await resetLimit(deps, 'writes', key);
    await Promise.all(Array.from({ length: 5 }, () => refund(deps, 'writes', key)));
    expect(await admitted(key, 20)).toBe(10);
  });

  it('concurrent reserve-then-refund cycles never let more than the limit hold a point at once', async () => {
    const key = freshKey();
    let holding = 0;
    let most = 0;
    await Promise.allSettled(
      Array.from({ length: 60 }, async () => {
        await consume(deps, 'writes', key);
        holding += 1;
        most = Math.max(most, holding);
        await new Promise((resolve) => setTimeout(resolve, 5));
        holding -= 1;
        await refund(deps, 'writes', key);
      }),
    );
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(10);
    // Every point came back.
    expect(await admitted(key, 20)).toBe(10);
  });
});
