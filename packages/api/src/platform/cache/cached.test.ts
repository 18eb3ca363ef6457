import { createRedisCache } from '@devflow/cache';
import { createTestCache } from '@devflow/cache/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import { silentLogger } from '../../deps';
import { cacheKeys, cacheStatsOf, invalidate, readThrough } from './cached';

const cache = createTestCache();
const deps = { cache, config: defaultApiConfig(), log: silentLogger };
afterAll(() => cache.close());

/** A "database row" the loader reads, so tests can change it between reads. */
function source<T>(initial: T) {
  const state = { value: initial, loads: 0 };
  return {
    state,
    load: async () => {
      state.loads += 1;
      return state.value;
    },
  };
}

describe('readThrough', () => {
  it('serves the second read from the cache and counts one miss and one hit', async () => {
    const row = source({ title: 'first' });
    const read = { area: 'question' as const, key: cacheKeys.questionPage(1), versions: ['v:q:1'] };
    const before = { ...cacheStatsOf(cache).question };
    expect(await readThrough(deps, read, row.load)).toEqual({ title: 'first' });
    expect(await readThrough(deps, read, row.load)).toEqual({ title: 'first' });
    expect(row.state.loads).toBe(1);
    const after = cacheStatsOf(cache).question;
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(1);
  });

  it('reads the new value right after a write invalidates it', async () => {
    const row = source('old');
    const read = { area: 'question' as const, key: cacheKeys.questionPage(2), versions: ['v:q:2'] };
    await readThrough(deps, read, row.load);
    row.state.value = 'new';
    await invalidate(deps, { questions: [2] });
    expect(await readThrough(deps, read, row.load)).toBe('new');
  });

  it('never serves a value loaded before a write that committed while it was loading', async () => {
    const row = source('before write');
    const read = {
      area: 'list' as const,
      key: cacheKeys.listPage('newest', 'race', 20),
      versions: ['v:l:tag:race'],
    };
    // A slow reader loads the old value, a write commits and invalidates, then the reader stores it.
    const slow = readThrough(deps, read, async () => {
      const value = await row.load();
      row.state.value = 'after write';
      await invalidate(deps, { tags: ['race'] });
      return value;
    });
    expect(await slow).toBe('before write');
    expect(await readThrough(deps, read, row.load)).toBe('after write');
  });

  it('invalidates only what a write names', async () => {
    const a = source('a1');
    const b = source('b1');
    const readA = { area: 'question' as const, key: cacheKeys.questionPage(10), versions: ['v:q:10'] };
    const readB = { area: 'question' as const, key: cacheKeys.questionPage(11), versions: ['v:q:11'] };
    await readThrough(deps, readA, a.load);
    await readThrough(deps, readB, b.load);
    await invalidate(deps, { questions: [10] });
    await readThrough(deps, readA, a.load);
    await readThrough(deps, readB, b.load);
    expect(a.state.loads).toBe(2);
    expect(b.state.loads).toBe(1);
  });

  it('reads the database on every call when page caching is off', async () => {
    const row = source('x');
    const off = { ...deps, config: defaultApiConfig({ pageCache: false }) };
    const read = { area: 'profile' as const, key: cacheKeys.profile(5), versions: ['v:u:5'] };
    await readThrough(off, read, row.load);
    await readThrough(off, read, row.load);
    expect(row.state.loads).toBe(2);
  });
});

describe('when the cache is down', () => {
  // A Redis that is not there: the same failure a production outage gives (connection refused).
  const down = createRedisCache({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 200 });
  const downDeps = { cache: down, config: defaultApiConfig(), log: silentLogger };
  afterAll(() => down.close());

  it('reads through to the database and counts the errors', async () => {
    const row = source('from db');
    const read = { area: 'question' as const, key: cacheKeys.questionPage(1), versions: ['v:q:1'] };
    const started = Date.now();
    expect(await readThrough(downDeps, read, row.load)).toBe('from db');
    expect(await readThrough(downDeps, read, row.load)).toBe('from db');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(row.state.loads).toBe(2);
    expect(cacheStatsOf(down).question.errors).toBe(2);
  });

  it('lets a write complete even though it cannot invalidate', async () => {
    await expect(
      invalidate(downDeps, { questions: [1], allLists: true, users: [1] }),
    ).resolves.toBeUndefined();
  });
});
