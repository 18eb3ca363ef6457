import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryCache } from './memory';
import { createTestCache } from './testing';
import type { Cache } from './types';

/** One suite, every implementation: memory always, and Redis when `REDIS_URL` is set. */
const implementations: [string, () => Cache][] = [['memory', () => createMemoryCache({ prefix: 't:' })]];
if (process.env.REDIS_URL) implementations.push(['redis', createTestCache]);

describe.each(implementations)('%s cache', (kind, open) => {
  const cache = open();
  afterAll(() => cache.close());
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('reports its kind and answers ping', async () => {
    expect(cache.kind).toBe(kind);
    expect(await cache.ping()).toBe(true);
  });

  it('stores, reads and deletes values', async () => {
    await cache.set('a', 'one', 60);
    await cache.set('b', 'two', 60);
    expect(await cache.get('a')).toBe('one');
    expect(await cache.getMany(['a', 'missing', 'b'])).toEqual(['one', null, 'two']);
    await cache.del('a', 'b', 'never-set');
    expect(await cache.getMany(['a', 'b'])).toEqual([null, null]);
  });

  it('forgets a value once its TTL has passed', async () => {
    await cache.set('short', 'x', 1);
    expect(await cache.ttl('short')).toBeGreaterThan(0);
    await sleep(1100);
    expect(await cache.get('short')).toBeNull();
    expect(await cache.ttl('short')).toBe(-2);
  });

  it('hands a taken value to exactly one of many concurrent callers', async () => {
    await cache.set('otp', 'secret', 60);
    const results = await Promise.all(Array.from({ length: 10 }, () => cache.take('otp')));
    expect(results.filter((value) => value === 'secret')).toHaveLength(1);
    expect(await cache.get('otp')).toBeNull();
  });

  it('counts atomically and starts the window at the first increment', async () => {
    const counts = await Promise.all(Array.from({ length: 25 }, () => cache.incr('counter', 1)));
    expect(counts.sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    await sleep(1100);
    expect(await cache.incr('counter', 60)).toBe(1);
  });

  it('keeps keys of different prefixes apart', async () => {
    const other = kind === 'memory' ? createMemoryCache({ prefix: 'other:' }) : createTestCache();
    try {
      await cache.set('shared-name', 'mine', 60);
      expect(await other.get('shared-name')).toBeNull();
    } finally {
      await other.close();
    }
  });
});

describe('memory cache bounds', () => {
  it('drops the oldest entries beyond maxEntries instead of growing without limit', async () => {
    const cache = createMemoryCache({ maxEntries: 3 });
    for (const key of ['k1', 'k2', 'k3', 'k4']) await cache.set(key, key, 60);
    expect(await cache.getMany(['k1', 'k2', 'k3', 'k4'])).toEqual([null, 'k2', 'k3', 'k4']);
    await cache.close();
    expect(await cache.ping()).toBe(false);
  });
});
