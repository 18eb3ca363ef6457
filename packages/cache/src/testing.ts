import { randomBytes } from 'node:crypto';
import { createCache } from './index';
import type { Cache } from './types';

/**
 * A cache for one test file: Redis when `REDIS_URL` is set (keys under a random prefix, removed on
 * close), memory otherwise.
 */
export function createTestCache(): Cache {
  // Tests are a runtime of their own: this is where they learn which backend the run targets.
  const redisUrl = process.env.REDIS_URL;
  const prefix = `devflow_t_${randomBytes(6).toString('hex')}:`;
  const cache = createCache({ redisUrl, prefix });
  const { redis } = cache;
  if (!redis) return cache;
  return {
    ...cache,
    close: async () => {
      await cache.ping(); // waits for the connection, which may not be up if the test never used it
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await cache.close();
    },
  };
}
