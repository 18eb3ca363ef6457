import type { Cache } from '@devflow/cache';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimits } from '../config';
import type { ApiDeps } from '../deps';
import { tooManyRequests } from '../trpc/errors';

/** The windowed limits (README, `RATE_LIMITS`; tries per code are counted per code in `domains/auth/otp.ts`). */
export type LimitName = Exclude<keyof RateLimits, 'otpTries'>;

/** What each limit counts, for the TOO_MANY_REQUESTS message ("Too many sign-in attempts…"). */
const WHAT: Record<LimitName, string> = {
  loginAccountIp: 'failed sign-in attempts',
  loginIp: 'failed sign-in attempts from your network',
  register: 'registrations from your network',
  otpRequest: 'code requests for this account',
  otpRequestAccountIp: 'code requests for this account',
  otpTriesIp: 'code tries from your network',
  writes: 'changes in a short time',
};

/**
 * rate-limiter-flexible's Redis script, except for refunds (negative points): those only lower a
 * counter that exists and is above zero, so a refund that arrives after its window ended (or after
 * `resetLimit`) cannot leave a negative count that would grant extra attempts in the next window.
 * Redis runs a script atomically, so the read and the change cannot interleave with another call.
 */
const COUNT_SCRIPT = `
local points = tonumber(ARGV[1])
if points < 0 then
  local current = tonumber(redis.call('get', KEYS[1]) or '0')
  if current <= 0 then return {0, redis.call('pttl', KEYS[1])} end
  local consumed = redis.call('decrby', KEYS[1], math.min(-points, current))
  return {consumed, redis.call('pttl', KEYS[1])}
end
redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = redis.call('incrby', KEYS[1], points)
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('expire', KEYS[1], ARGV[2])
  ttl = 1000 * ARGV[2]
end
return {consumed, ttl}
`;

/** The in-memory limiter, with refunds floored at zero like `COUNT_SCRIPT`'s. */
class MemoryLimiter extends RateLimiterMemory {
  override async reward(key: string | number, points = 1): Promise<RateLimiterRes> {
    const state = await this.get(key);
    if (!state || state.consumedPoints <= 0 || state.msBeforeNext <= 0) return state ?? new RateLimiterRes();
    return super.reward(key, Math.min(points, state.consumedPoints));
  }
}

type Limiter = MemoryLimiter | RateLimiterRedis;

const limitersByCache = new WeakMap<Cache, Map<LimitName, Limiter>>();

/**
 * The limiter for `name`, built once per cache: on Redis (shared by every server process) with an
 * in-memory insurance limiter that takes over while Redis is unreachable, otherwise in memory. Keys
 * carry the cache's prefix, so test files never share counters. Both count with one atomic step (a
 * script on Redis, a synchronous update in memory), so concurrent calls cannot all see room.
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
          customIncrTtlLuaScript: COUNT_SCRIPT,
          insuranceLimiter: new MemoryLimiter(options),
        })
      : new MemoryLimiter(options);
    limiters.set(name, limiter);
  }
  return limiter;
}

/** Waits (briefly, once) for a Redis connection that is still being opened, so early calls count there. */
async function connected(deps: Pick<ApiDeps, 'cache'>): Promise<void> {
  const status = deps.cache.redis?.status;
  if (status === 'wait' || status === 'connecting' || status === 'connect') await deps.cache.ping(500);
}

/**
 * Counts one event against `name` for `key` before the work it guards, in one atomic step; throws
 * TOO_MANY_REQUESTS (with retry-after) when the window's points are used up. A refused call does not
 * keep its point, so the count is the number of calls that were let through. Callers that count only
 * some outcomes (failed sign-ins) give the point back with `refund` for the others.
 */
export async function consume(
  deps: Pick<ApiDeps, 'cache' | 'config'>,
  name: LimitName,
  key: string,
): Promise<void> {
  await connected(deps);
  const limiter = limiterOf(deps, name);
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    await refund(deps, name, key);
    tooManyRequests(rejection.msBeforeNext / 1000, WHAT[name]);
  }
}

/**
 * Gives back one point `consume` took for `key` (a sign-in that succeeded, a call that failed for a
 * reason the limit does not count). Never lowers a count below zero; best effort when the store fails.
 */
export async function refund(
  deps: Pick<ApiDeps, 'cache' | 'config'>,
  name: LimitName,
  key: string,
): Promise<void> {
  await limiterOf(deps, name)
    .reward(key, 1)
    .catch(() => undefined);
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
