import type { Redis } from 'ioredis';

/** Which store backs a `Cache`; reported by `/healthz`. */
export type CacheKind = 'memory' | 'redis';

/**
 * A small key-value store with TTLs: the cache, OTP codes and counters go through it. Methods reject
 * when the store is unreachable; callers choose to fail open (page cache) or closed (OTP checks).
 */
export type Cache = {
  readonly kind: CacheKind;
  /** The value at `key`, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Values at several keys, in order (null where absent). */
  getMany(keys: string[]): Promise<(string | null)[]>;
  /** Stores `value` under `key` for `ttlSeconds`. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Removes the keys; absent keys are ignored. */
  del(...keys: string[]): Promise<void>;
  /** Returns the value and removes it in one step, so only one caller can ever take it. */
  take(key: string): Promise<string | null>;
  /** Adds 1 and returns the new value; a new counter lives `ttlSeconds`. */
  incr(key: string, ttlSeconds: number): Promise<number>;
  /** Seconds until `key` expires; -2 when absent, -1 when it has no expiry. */
  ttl(key: string): Promise<number>;
  /** True when the store answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** Releases connections and timers. */
  close(): Promise<void>;
  /** The ioredis connection (Redis mode), for libraries that speak Redis themselves (rate limits). */
  readonly redis: Redis | null;
  /** Prefix added to every key; tests use one per file so runs never collide. */
  readonly prefix: string;
};
