import type { Cache } from '@devflow/cache';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimits } from '../config';
import type { ApiDeps } from '../deps';
import { tooManyRequests } from '../errors';

/** The windowed limits of CONTRACT.md (OTP tries are counted per code in `services/otp.ts`). */
export type LimitName = Exclude<keyof RateLimits, 'otpTries'>;

/** What each limit counts, for the TOO_MANY_REQUESTS message ("Too many sign-in attempts…"). */
const WHAT: Record<LimitName, string> = {
  loginAccountIp: 'failed sign-in attempts',
  loginIp: 'failed sign-in attempts from your network',
  register: 'registrations from your network',
  otpRequest: 'code requests for this account',
  writes: 'changes in a short time',
};

type Limiter = RateLimiterMemory | RateLimiterRedis;

const limitersByCache = new WeakMap<Cache, Map<LimitName, Limiter>>();

/**
 * The limiter for `name`, built once per cache: on Redis (shared by every server process) with an
 * in-memory insurance limiter that takes over while Redis is unreachable, otherwise in memory. Keys
 * carry the cache's prefix, so test files never share counters.
 */
function limiterOf(deps: Pick<ApiDeps, 'cache' | 'config'>, name: LimitName): Limiter {
  let limiters = limitersByCache.get(deps.cache);
  if (!limiters) {
    limiters = new Map();
    limitersByCache.set(deps.cache, limiters);
  }
  let limiter = limiters.get(name);
  if (!limiter) {
    const { points, durationSeconds } = deps.config.rateLimits[name];
    const options = { points, duration: durationSeconds, keyPrefix: `${deps.cache.prefix}rl:${name}` };
    const redis = deps.cache.redis;
    limiter = redis
      ? new RateLimiterRedis({
          ...options,
          storeClient: redis,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory(options),
        })
      : new RateLimiterMemory(options);
    limiters.set(name, limiter);
  }
  return limiter;
}

/** Waits (briefly, once) for a Redis connection that is still being opened, so early calls count there. */
async function connected(deps: Pick<ApiDeps, 'cache'>): Promise<void> {
  const status = deps.cache.redis?.status;
  if (status === 'wait' || status === 'connecting' || status === 'connect') await deps.cache.ping(500);
}

function rejectWith(name: LimitName, rejection: unknown): never {
  if (rejection instanceof RateLimiterRes) tooManyRequests(rejection.msBeforeNext / 1000, WHAT[name]);
  throw rejection;
}

/**
 * Counts one event against `name` for `key`; throws TOO_MANY_REQUESTS (with retry-after) when the
 * window's points are used up.
 */
export async function consume(
  deps: Pick<ApiDeps, 'cache' | 'config'>,
  name: LimitName,
  key: string,
): Promise<void> {
  await connected(deps);
  await limiterOf(deps, name)
    .consume(key)
    .catch((rejection: unknown) => rejectWith(name, rejection));
}

/** Throws TOO_MANY_REQUESTS when `key` has used up `name` already, without counting anything. */
export async function assertNotLimited(
  deps: Pick<ApiDeps, 'cache' | 'config'>,
  name: LimitName,
  key: string,
): Promise<void> {
  await connected(deps);
  const limiter = limiterOf(deps, name);
  const state = await limiter.get(key).catch(() => null);
  if (state && state.consumedPoints >= limiter.points) tooManyRequests(state.msBeforeNext / 1000, WHAT[name]);
}

/** Forgets `key`'s count for `name` (a successful sign-in clears the account's failures). */
export async function resetLimit(
  deps: Pick<ApiDeps, 'cache' | 'config'>,
  name: LimitName,
  key: string,
): Promise<void> {
  await limiterOf(deps, name)
    .delete(key)
    .catch(() => false);
}
