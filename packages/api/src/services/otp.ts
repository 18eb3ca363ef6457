import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import type { ApiDeps } from '../deps';

/** What a code proves: an email address, or the right to set a new password. */
export type OtpPurpose = 'verify-email' | 'password-reset';

/** Codes live 10 minutes. */
export const OTP_TTL_SECONDS = 10 * 60;

const codeKey = (purpose: OtpPurpose, userId: number) => `otp:${purpose}:${userId}`;
const triesKey = (purpose: OtpPurpose, userId: number) => `otp:${purpose}:${userId}:tries`;

function digest(purpose: OtpPurpose, userId: number, code: string): Buffer {
  return createHash('sha256').update(`${purpose}:${userId}:${code}`).digest();
}

const cacheDown = (error: unknown) =>
  new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: 'Codes cannot be checked right now. Please try again in a minute.',
    cause: error,
  });

/**
 * Creates a new 6-digit code (CSPRNG) for `userId`, replacing any earlier one, and returns it for the
 * mail. Only its SHA-256 is stored, in the cache, for 10 minutes; the try counter starts over.
 */
export async function issueOtp(
  deps: Pick<ApiDeps, 'cache'>,
  purpose: OtpPurpose,
  userId: number,
): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  try {
    await deps.cache.del(triesKey(purpose, userId));
    await deps.cache.set(
      codeKey(purpose, userId),
      digest(purpose, userId, code).toString('hex'),
      OTP_TTL_SECONDS,
    );
  } catch (error) {
    throw cacheDown(error);
  }
  return code;
}

/**
 * Checks `code` and consumes it when right (single use). Each code allows `rateLimits.otpTries` tries:
 * the next one fails even with the right code. Compares in constant time, and fails closed: when the
 * cache is unreachable nothing is accepted. Throws BAD_REQUEST with a message the user can act on.
 */
export async function checkOtp(
  deps: Pick<ApiDeps, 'cache' | 'config'>,
  purpose: OtpPurpose,
  userId: number | null,
  code: string,
): Promise<void> {
  const wrong = new TRPCError({
    code: 'BAD_REQUEST',
    message: 'That code is wrong or has expired. Check the latest mail or request a new code.',
  });
  if (userId === null) throw wrong;
  let stored: string | null;
  try {
    const tries = await deps.cache.incr(triesKey(purpose, userId), OTP_TTL_SECONDS);
    if (tries > deps.config.rateLimits.otpTries) {
      await deps.cache.del(codeKey(purpose, userId));
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: 'This code was tried too many times and no longer works. Request a new code.',
      });
    }
    stored = await deps.cache.get(codeKey(purpose, userId));
  } catch (error) {
    if (error instanceof TRPCError) throw error;
    throw cacheDown(error);
  }
  if (stored === null) throw wrong;
  const expected = Buffer.from(stored, 'hex');
  const given = digest(purpose, userId, code);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw wrong;
  let taken: string | null;
  try {
    taken = await deps.cache.take(codeKey(purpose, userId));
  } catch (error) {
    throw cacheDown(error);
  }
  // Another request used the code between our read and take: single use means this one loses.
  if (taken !== stored) throw wrong;
  await deps.cache.del(triesKey(purpose, userId)).catch(() => undefined);
}
