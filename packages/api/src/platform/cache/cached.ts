import type { Cache } from '@devflow/cache';
import type { ApiDeps } from '../../deps';

/**
 * Read-through caching of public pages (question pages, first pages of lists, profiles) with
 * race-free invalidation.
 *
 * ## Key versioning
 * Every cached entry depends on one or more *version counters* (`v:q:<id>` for a question page,
 * `v:l:_` / `v:l:tag:<slug>` for list pages, `v:u:<id>` for a profile). An entry is stored as
 * `{ v: [versions at read time], d: payload }`. A read fetches the counters and the entry in ONE round
 * trip (`getMany`) and uses the entry only when its versions equal the current ones.
 *
 * A write commits its transaction, THEN bumps the counters of what it changed (`invalidate`). That order
 * is what makes it race-free:
 * - a reader that read version n before the commit may load the old rows and store them under n — but
 *   every later reader sees n+1 and ignores that entry (plain delete-on-write would let the late store
 *   resurrect stale data until the TTL);
 * - the writer bumps before it answers, so its next read — and everyone's — misses and loads its write.
 * Profile edits bump one `v:authors` counter that question pages and lists also depend on
 * (they embed author summaries). The write also deletes the entry key, which covers the (unlikely) case of a counter evicted and
 * recreated at an old value. Counters live far longer than entries (`VERSION_TTL_SECONDS`).
 *
 * ## Failing open
 * Any cache error (Redis down, timeout, corrupt entry) is counted and the read goes to the database;
 * the request never fails because of the cache. A failed bump after a write can leave an entry stale
 * for at most its TTL, which is why page TTLs are short.
 *
 * ## Counting
 * Hits, misses and errors are counted per area and per `Cache` instance (`cacheStatsOf`); the server
 * exposes them at `/metrics`.
 */

/** What is cached; hits and misses are counted per area. */
export type CacheArea = 'question' | 'list' | 'profile';

/** Hits, misses and errors of one area. */
export type AreaStats = { hits: number; misses: number; errors: number };

/** Counters of every area for one cache. */
export type CacheStats = Record<CacheArea, AreaStats>;

/** Seconds a cached page lives at most (bounds staleness if an invalidation is lost in an outage). */
export const PAGE_TTL_SECONDS = 60;

/** Seconds a version counter lives; must be much longer than any entry's TTL. */
export const VERSION_TTL_SECONDS = 7 * 24 * 3600;

const statsByCache = new WeakMap<Cache, CacheStats>();

/** Hit/miss/error counters for `cache` since the process started (zero when never used). */
export function cacheStatsOf(cache: Cache): CacheStats {
  let stats = statsByCache.get(cache);
  if (!stats) {
    stats = {
      question: { hits: 0, misses: 0, errors: 0 },
      list: { hits: 0, misses: 0, errors: 0 },
      profile: { hits: 0, misses: 0, errors: 0 },
    };
    statsByCache.set(cache, stats);
  }
  return stats;
}

/** Cache keys and version counters, in one place so readers and writers agree. */
export const cacheKeys = {
  questionVersion: (id: number) => `v:q:${id}`,
  /** Views counted since the counter was created (a tally: it adjusts cached pages, never invalidates). */
  questionViews: (id: number) => `t:views:${id}`,
  /** Marks that a viewer's view of a question was counted in the current window. */
  questionSeen: (id: number, viewer: string) => `seen:${id}:${viewer}`,
  questionPage: (id: number) => `c:q:${id}`,
  /** List scope: all questions (`_`) or one tag. */
  listVersion: (tag: string | undefined) => (tag === undefined ? 'v:l:_' : `v:l:tag:${tag}`),
  listPage: (sort: string, tag: string | undefined, limit: number) =>
    `c:l:${tag === undefined ? '_' : `tag:${tag}`}:${sort}:${limit}`,
  userVersion: (id: number) => `v:u:${id}`,
  /**
   * Bumped by profile edits (display name, avatar): pages and lists embed author summaries, and exact
   * invalidation would need a reverse index of every post of the user. Profile edits are rare.
   */
  authors: () => 'v:authors',
  profile: (id: number) => `c:p:${id}`,
  /** Bumped when an admin changes the site settings: profiles show reputation under the preset. */
  settings: () => 'v:settings',
  usernameId: (username: string) => `c:uid:${username.toLowerCase()}`,
};

/**
 * One cacheable read: where the entry lives and which counters it depends on. `tallies` are counters
 * read in the same round trip that do NOT invalidate the entry; the caller receives their values now and
 * when the entry was loaded, and adjusts the entry by the difference (view counts).
 */
export type CachedRead = {
  area: CacheArea;
  key: string;
  versions: string[];
  tallies?: string[];
  ttlSeconds?: number;
};

type Entry<T> = { v: number[]; t?: number[]; d: T };

/** A value read through the cache, with the `tallies` now and when the value was loaded. */
export type ReadResult<T> = { value: T; tallies: number[]; talliesAtLoad: number[] };

function sameVersions(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Whether page caching is on for these deps (`CACHE_PAGES=off` turns it off, e.g. for benchmarks). */
export function pageCacheEnabled(deps: Pick<ApiDeps, 'config'>): boolean {
  return deps.config.pageCache !== false;
}

/**
 * Returns the cached value of `read` when its versions are current, otherwise `load()`s it from the
 * database and stores it under the versions read *before* loading. Fails open on any cache error.
 */
export async function readThrough<T>(
  deps: Pick<ApiDeps, 'cache' | 'config'>,
  read: CachedRead,
  load: () => Promise<T>,
): Promise<T> {
  return (await readThroughTallied(deps, read, load)).value;
}

/** `readThrough` that also returns the read's `tallies` (now, and when the value was loaded). */
export async function readThroughTallied<T>(
  deps: Pick<ApiDeps, 'cache' | 'config'>,
  read: CachedRead,
  load: () => Promise<T>,
): Promise<ReadResult<T>> {
  const tallyKeys = read.tallies ?? [];
  const none = tallyKeys.map(() => 0);
  if (!pageCacheEnabled(deps)) return { value: await load(), tallies: none, talliesAtLoad: none };
  const stats = cacheStatsOf(deps.cache)[read.area];
  let current: number[];
  let tallies: number[];
  try {
    const got = await deps.cache.getMany([...read.versions, ...tallyKeys, read.key]);
    const numbers = got.map((value) => Number(value ?? 0));
    current = numbers.slice(0, read.versions.length);
    tallies = numbers.slice(read.versions.length, read.versions.length + tallyKeys.length);
    const raw = got[got.length - 1];
    if (raw) {
      const entry = JSON.parse(raw) as Entry<T>;
      if (sameVersions(entry.v, current)) {
        stats.hits += 1;
        return { value: entry.d, tallies, talliesAtLoad: entry.t ?? tallies };
      }
    }
  } catch {
    stats.errors += 1;
    return { value: await load(), tallies: none, talliesAtLoad: none };
  }
  stats.misses += 1;
  const value = await load();
  const entry: Entry<T> = { v: current, t: tallies, d: value };
  try {
    await deps.cache.set(read.key, JSON.stringify(entry), read.ttlSeconds ?? PAGE_TTL_SECONDS);
  } catch {
    stats.errors += 1;
  }
  return { value, tallies, talliesAtLoad: tallies };
}

/** What a committed write changed; `invalidate` bumps exactly these counters and drops these entries. */
export type Changed = {
  questions?: number[];
  /** Tags whose lists changed; `allLists` for the untagged lists. */
  tags?: string[];
  allLists?: boolean;
  users?: number[];
  /** A user's public summary (display name, avatar) changed: every page and list showing it. */
  authors?: boolean;
  /** The site settings changed (the reputation preset): every profile. */
  settings?: boolean;
};

/**
 * Invalidates what a write changed. Call it AFTER the transaction commits (see the module comment);
 * never throws — a cache outage must not fail a write that already committed.
 */
export async function invalidate(deps: Pick<ApiDeps, 'cache' | 'log'>, changed: Changed): Promise<void> {
  const versions: string[] = [];
  const entries: string[] = [];
  for (const id of new Set(changed.questions ?? [])) {
    versions.push(cacheKeys.questionVersion(id));
    entries.push(cacheKeys.questionPage(id));
  }
  if (changed.allLists) versions.push(cacheKeys.listVersion(undefined));
  for (const tag of new Set(changed.tags ?? [])) versions.push(cacheKeys.listVersion(tag));
  for (const id of new Set(changed.users ?? [])) {
    versions.push(cacheKeys.userVersion(id));
    entries.push(cacheKeys.profile(id));
  }
  if (changed.authors) versions.push(cacheKeys.authors());
  if (changed.settings) versions.push(cacheKeys.settings());
  if (versions.length === 0) return;
  try {
    await Promise.all([
      ...versions.map((key) => deps.cache.incr(key, VERSION_TTL_SECONDS)),
      entries.length > 0 ? deps.cache.del(...entries) : Promise.resolve(),
    ]);
  } catch (error) {
    deps.log.warn({ err: error, versions }, 'cache invalidation failed; entries expire by TTL');
  }
}

/** The counters in Prometheus' text format (`devflow_cache_hits_total{area="question"} 12`). */
export function cacheMetricsText(cache: Cache): string {
  const stats = cacheStatsOf(cache);
  const lines: string[] = [];
  for (const [name, field] of [
    ['hits', 'hits'],
    ['misses', 'misses'],
    ['errors', 'errors'],
  ] as const) {
    lines.push(`# TYPE devflow_cache_${name}_total counter`);
    for (const [area, counts] of Object.entries(stats)) {
      lines.push(`devflow_cache_${name}_total{area="${area}"} ${counts[field]}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
