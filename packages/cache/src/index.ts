import { createMemoryCache } from './memory';
import { createRedisCache } from './redis';
import type { Cache } from './types';

export { createMemoryCache, type MemoryCacheOptions } from './memory';
export { createRedisPubSub, type PubSub } from './pubsub';
export { createRedisCache, type RedisCacheOptions } from './redis';
export type { Cache, CacheKind } from './types';

/** Opens Redis when `redisUrl` is set, otherwise the in-memory store. */
export function createCache(config: { redisUrl?: string | undefined; prefix?: string }): Cache {
  if (config.redisUrl) {
    return createRedisCache({ url: config.redisUrl, prefix: config.prefix ?? 'devflow:' });
  }
  return createMemoryCache({ prefix: config.prefix ?? '' });
}
