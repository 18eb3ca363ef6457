import type { Cache } from './types';

type Entry = { value: string; expiresAt: number };

/** Options for the in-memory store. */
export type MemoryCacheOptions = {
  prefix?: string;
  /** Entries kept at most; the oldest inserted go first when full. */
  maxEntries?: number;
  /** A clock for tests; defaults to `Date.now`. */
  now?: () => number;
};

/**
 * The embedded cache: a Map with per-key expiry, swept lazily on read and every minute, bounded in
 * size so a flood of keys cannot exhaust memory. Used when `REDIS_URL` is unset.
 */
export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const prefix = options.prefix ?? '';
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let closed = false;

  const live = (key: string): Entry | null => {
    const entry = entries.get(prefix + key);
    if (!entry) return null;
    if (entry.expiresAt <= now()) {
      entries.delete(prefix + key);
      return null;
    }
    return entry;
  };
  const put = (key: string, value: string, ttlSeconds: number) => {
    const full = prefix + key;
    entries.delete(full);
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(full, { value, expiresAt: now() + ttlSeconds * 1000 });
  };
  const sweeper = setInterval(() => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key);
  }, 60_000);
  sweeper.unref();

  return {
    kind: 'memory',
    redis: null,
    prefix,
    get: async (key) => live(key)?.value ?? null,
    getMany: async (keys) => keys.map((key) => live(key)?.value ?? null),
    set: async (key, value, ttlSeconds) => put(key, value, ttlSeconds),
    del: async (...keys) => {
      for (const key of keys) entries.delete(prefix + key);
    },
    take: async (key) => {
      const entry = live(key);
      entries.delete(prefix + key);
      return entry?.value ?? null;
    },
    incr: async (key, ttlSeconds) => {
      const entry = live(key);
      if (!entry) {
        put(key, '1', ttlSeconds);
        return 1;
      }
      const next = Number.parseInt(entry.value, 10) + 1;
      entry.value = String(next);
      return next;
    },
    ttl: async (key) => {
      const entry = live(key);
      return entry ? Math.ceil((entry.expiresAt - now()) / 1000) : -2;
    },
    ping: async () => !closed,
    close: async () => {
      closed = true;
      clearInterval(sweeper);
      entries.clear();
    },
  };
}
