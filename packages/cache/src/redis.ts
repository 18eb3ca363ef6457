import { Redis } from 'ioredis';
import type { Cache } from './types';

/** Options for the Redis store. */
export type RedisCacheOptions = {
  url: string;
  prefix?: string;
  /** Milliseconds a command may take before it fails (the cache then fails open or closed). */
  commandTimeoutMs?: number;
};

/**
 * The Redis cache. The offline queue is off and commands time out quickly, so while Redis is down a
 * request loses milliseconds, not seconds (SECURITY.md, outages); ioredis keeps reconnecting in the background
 * and the cache works again as soon as Redis is back, without a restart.
 */
export function createRedisCache(options: RedisCacheOptions): Cache {
  const prefix = options.prefix ?? '';
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: true,
    // Auto-pipelining saved write syscalls on cached pages (bench/RESULTS.md) but ioredis 6.0.0 throws an
    // uncaught `results[i] is not iterable` from its pipeline callback when a pipeline comes back short
    // (seen in the soak test), which would crash the server: off until that is fixed upstream.
    enableAutoPipelining: false,
  });
  // Connection errors surface as failed commands and as /healthz 503; ioredis would otherwise print them.
  redis.on('error', () => {});
  const ready = redis.connect().catch(() => undefined);
  const k = (key: string) => prefix + key;

  return {
    kind: 'redis',
    redis,
    prefix,
    get: async (key) => {
      await ready;
      return redis.get(k(key));
    },
    getMany: async (keys) => {
      await ready;
      return keys.length === 0 ? [] : redis.mget(keys.map(k));
    },
    set: async (key, value, ttlSeconds) => {
      await ready;
      await redis.set(k(key), value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
    },
    del: async (...keys) => {
      await ready;
      if (keys.length > 0) await redis.del(...keys.map(k));
    },
    take: async (key) => {
      await ready;
      return redis.getdel(k(key));
    },
    incr: async (key, ttlSeconds) => {
      await ready;
      const [[incrError, value] = [], [expireError] = []] =
        (await redis
          .multi()
          .incr(k(key))
          .expire(k(key), Math.max(1, Math.ceil(ttlSeconds)), 'NX')
          .exec()) ?? [];
      if (incrError) throw incrError;
      if (expireError) throw expireError;
      return Number(value);
    },
    ttl: async (key) => {
      await ready;
      return redis.ttl(k(key));
    },
    ping: async (timeoutMs = 1000) => {
      await ready;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const answer = redis.ping().then(
        (reply) => reply === 'PONG',
        () => false,
      );
      return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
    },
    close: async () => {
      await ready;
      redis.disconnect(false);
    },
  };
}
