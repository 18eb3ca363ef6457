import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { ApiDeps } from '../../deps';
import { BadInputError, DomainError } from '../../platform/domain-errors';
import { consume, refund } from '../../platform/rate-limit';

/** What a code proves: an email address, or the right to set a new password. */
export type OtpPurpose = 'verify-email' | 'password-reset';

/** Codes live 10 minutes. */
export const OTP_TTL_SECONDS = 10 * 60;

/**
 * Whose code is checked: an account, or — for a reset asked for an email no account has — a stand-in
 * that never holds a code but goes through the same steps, so both answer alike in the same time.
 */
export type OtpSubject = { userId: number } | { unknownEmail: string };

/** The one answer to every code that does not work: wrong, expired, used, or tried too often. */
export const WRONG_CODE = 'That code is wrong or has expired. Check the latest mail or request a new code.';

const subjectId = (subject: OtpSubject) =>
  'userId' in subject
    ? String(subject.userId)
    : `unknown:${createHash('sha256').update(subject.unknownEmail.toLowerCase()).digest('hex')}`;
const codeKey = (purpose: OtpPurpose, id: string) => `otp:${purpose}:${id}`;
const triesKey = (purpose: OtpPurpose, id: string) => `otp:${purpose}:${id}:tries`;

function digest(purpose: OtpPurpose, id: string, code: string): Buffer {
  return createHash('sha256').update(`${purpose}:${id}:${code}`).digest();
}

const cacheDown = (error: unknown) =>
  new DomainError('SERVICE_UNAVAILABLE', 'Codes cannot be checked right now. Please try again in a minute.', {
    cause: error,
  });

/**
 * Creates a new 6-digit code (CSPRNG) for `userId`, replacing any earlier one, and returns it for the
 * mail. Only its SHA-256 is stored, in the cache, for 10 minutes; the try counter starts over, so a
 * code others have tried to death never keeps the owner from getting a working one.
 */
export async function issueOtp(
  deps: Pick<ApiDeps, 'cache'>,
  purpose: OtpPurpose,
  userId: number,
): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = subjectId({ userId });
  try {
    await deps.cache.del(triesKey(purpose, id));
    await deps.cache.set(codeKey(purpose, id), digest(purpose, id, code).toString('hex'), OTP_TTL_SECONDS);
  } catch (error) {
    throw cacheDown(error);
  }
  return code;
}

/**
 * Checks `code` and consumes it when right (single use). Each try first takes a point of the caller's
 * network (`otpTriesIp`: TOO_MANY_REQUESTS beyond it, given back when the code is right), then counts
 * against the code (`otpTries` from every network together: past them the code is deleted). Every
 * failure is BAD_REQUEST `WRONG_CODE`, whether the account exists or not and however often the code
 * was tried. Compares in constant time, and fails closed: when the cache is unreachable nothing is
 * accepted.
 */
export async function checkOtp(
  deps: Pick<ApiDeps, 'cache' | 'config'>,
  ip: string,
  purpose: OtpPurpose,
  subject: OtpSubject,
  code: string,
): Promise<void> {
  await consume(deps, 'otpTriesIp', ip);
  const id = subjectId(subject);
  let wrong = false;
  try {
    const tries = await deps.cache.incr(triesKey(purpose, id), OTP_TTL_SECONDS);
    const spent = tries > deps.config.rateLimits.otpTries;
    if (spent) await deps.cache.del(codeKey(purpose, id));
    const stored = spent ? null : await deps.cache.get(codeKey(purpose, id));
    const expected = Buffer.from(stored ?? '', 'hex');
    const given = digest(purpose, id, code);
    wrong = expected.length !== given.length || !timingSafeEqual(expected, given);
    // Another request may use the code between our read and take: single use means this one loses.
    if (!wrong) wrong = (await deps.cache.take(codeKey(purpose, id))) !== stored;
  } catch (error) {
    throw cacheDown(error);
  } finally {
    // Only wrong codes count against the network.
    if (!wrong) await refund(deps, 'otpTriesIp', ip);
  }
  if (wrong) throw new BadInputError(WRONG_CODE);
  await deps.cache.del(triesKey(purpose, id)).catch(() => undefined);
}
