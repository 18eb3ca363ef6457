import type {
  loginInput,
  registerInput,
  requestPasswordResetInput,
  resetPasswordInput,
  verifyEmailInput,
} from '@devflow/contract';
import { markEmailVerified, resetUserPassword } from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { BadInputError, ConflictError, NotFoundError, UnauthorizedError } from '../../platform/domain-errors';
import type { JobContext } from '../../platform/jobs';
import { sendMailOnce } from '../../platform/mail';
import { consume, refund, resetLimit } from '../../platform/rate-limit';
import type { RequestInfo, SessionUser } from '../../trpc/context';
import {
  findTaken,
  findUserById,
  findUserByLogin,
  insertUser,
  type PublicUser,
  toPublicUser,
  type UserRow,
} from './account';
import { checkOtp, issueOtp, OTP_TTL_SECONDS } from './otp';
import { hashPassword, verifyPassword } from './passwords';
import {
  createSession,
  invalidateSession,
  invalidateUserSessions,
  refreshUserSessions,
  type SessionCookies,
} from './session';

/** What a successful sign-in answers: the account and its new session token (also set as the cookie). */
export type SignedIn = { user: PublicUser; token: string };

/** The answer of a call that only acknowledges. */
type Ok = { ok: true };

/** The one answer to every failed sign-in, whether the account exists or not. */
export const WRONG_CREDENTIALS = 'Wrong email, username or password.';

/**
 * Creates an account with an argon2id password hash and signs it in. The first account of an empty
 * database becomes admin. Registrations count against the caller's IP; a taken email or username is
 * CONFLICT naming which one (also when two registrations race).
 */
export async function register(
  deps: ApiDeps,
  req: RequestInfo,
  input: z.infer<typeof registerInput>,
  cookies: SessionCookies,
): Promise<SignedIn> {
  await consume(deps, 'register', req.ip);
  const taken = await findTaken(deps.db, input);
  if (taken) throw new ConflictError(`That ${taken} is already taken.`);
  const passwordHash = await hashPassword(input.password);
  const row = await deps.db.transaction((tx) =>
    insertUser(tx, { email: input.email, username: input.username, passwordHash, emailVerified: false }),
  );
  return signIn(deps, req, row, cookies);
}

/**
 * Signs in with an email or username and a password. Unknown accounts and wrong passwords get the same
 * answer in the same time (a dummy hash is verified). Failures count per account+IP and per IP; over
 * either limit the caller gets TOO_MANY_REQUESTS. Each attempt reserves its point on both limits before
 * the password is verified, so concurrent calls (one batch of 50) cannot all pass a check made before
 * any failure is counted; a success gives the IP's point back and clears the account+IP count, and an
 * attempt that fails for another reason (the database is down) gives both back.
 */
export async function login(
  deps: ApiDeps,
  req: RequestInfo,
  input: z.infer<typeof loginInput>,
  cookies: SessionCookies,
): Promise<SignedIn> {
  const accountKey = `${input.login.toLowerCase()}|${req.ip}`;
  await consume(deps, 'loginIp', req.ip);
  try {
    await consume(deps, 'loginAccountIp', accountKey);
  } catch (error) {
    await refund(deps, 'loginIp', req.ip);
    throw error;
  }
  let outcome: 'failed' | 'verified' | 'error' = 'error';
  try {
    const row = await findUserByLogin(deps.db, input.login);
    const ok = await verifyPassword(row?.passwordHash ?? null, input.password);
    outcome = row && ok ? 'verified' : 'failed';
    if (!row || !ok) throw new UnauthorizedError(WRONG_CREDENTIALS);
    await resetLimit(deps, 'loginAccountIp', accountKey);
    return await signIn(deps, req, row, cookies);
  } finally {
    if (outcome !== 'failed') await refund(deps, 'loginIp', req.ip);
    // After a success the account+IP count was cleared; a refund now would take another call's point.
    if (outcome === 'error') await refund(deps, 'loginAccountIp', accountKey);
  }
}

/** Opens a session for `row`, sets its cookie, and answers the account with the token. */
async function signIn(
  deps: ApiDeps,
  req: RequestInfo,
  row: UserRow,
  cookies: SessionCookies,
): Promise<SignedIn> {
  const { token, expiresAt } = await createSession(deps, {
    userId: row.id,
    ip: req.ip,
    userAgent: req.userAgent,
  });
  cookies.set(token, expiresAt);
  return { user: toPublicUser(row), token };
}

/** Ends the caller's session (when the call carried one) and clears the cookie. */
export async function logout(
  deps: ApiDeps,
  session: { id: string } | null,
  cookies: SessionCookies,
): Promise<Ok> {
  if (session) await invalidateSession(deps, session.id);
  cookies.clear();
  return { ok: true };
}

/** Ends every session of the account (all devices) and clears the cookie. */
export async function logoutEverywhere(
  deps: ApiDeps,
  actor: SessionUser,
  cookies: SessionCookies,
): Promise<Ok> {
  await invalidateUserSessions(deps, actor.id);
  cookies.clear();
  return { ok: true };
}

/** The signed-in account as its owner sees it, or null when signed out. */
export async function me(deps: ApiDeps, actor: SessionUser | null): Promise<PublicUser | null> {
  if (!actor) return null;
  const row = await findUserById(deps.db, actor.id);
  return row ? toPublicUser(row) : null;
}

/**
 * Counts a code mail for `email`: per account+IP, then per account from every network. A stranger's
 * requests from one network thus never use up the owner's; the per-account cap bounds mail to a victim.
 */
async function countCodeMail(deps: ApiDeps, req: RequestInfo, email: string): Promise<void> {
  const account = email.toLowerCase();
  const accountIp = `${account}|${req.ip}`;
  await consume(deps, 'otpRequestAccountIp', accountIp);
  try {
    await consume(deps, 'otpRequest', account);
  } catch (error) {
    await refund(deps, 'otpRequestAccountIp', accountIp);
    throw error;
  }
}

/** The queue of code mails (verification and password reset). */
export const AUTH_CODE_QUEUE = 'auth-code-mail';

/** A code mail to send: the job creates the code when it runs, so no code is ever stored in the queue. */
export type AuthCodeJob =
  | { purpose: 'verify-email'; userId: number }
  | { purpose: 'password-reset'; email: string };

/**
 * Mails a 6-digit code that proves the account's email address. OTP mails count per account (+IP).
 * The mail is a job (`deliverAuthCode`): retried while the mail server is down, never lost.
 */
export async function requestEmailVerification(
  deps: ApiDeps,
  req: RequestInfo,
  actor: SessionUser,
): Promise<Ok> {
  if (actor.emailVerified) {
    throw new BadInputError('Your email address is already verified.');
  }
  await countCodeMail(deps, req, actor.email);
  const job: AuthCodeJob = { purpose: 'verify-email', userId: actor.id };
  await deps.jobs.enqueue(deps.db, AUTH_CODE_QUEUE, job);
  return { ok: true };
}

/** Marks the account's email verified when `code` is the one mailed to it. */
export async function verifyEmail(
  deps: ApiDeps,
  req: RequestInfo,
  actor: SessionUser,
  input: z.infer<typeof verifyEmailInput>,
): Promise<PublicUser> {
  await checkOtp(deps, req.ip, 'verify-email', { userId: actor.id }, input.code);
  const row = await markEmailVerified(deps.db, actor.id);
  if (!row) throw new NotFoundError('Your account no longer exists.');
  await refreshUserSessions(deps, actor.id);
  return toPublicUser(row);
}

/**
 * Mails a password-reset code when an account has this email. The request does the same work whether
 * or not the account exists — it counts the request per email address (+IP) and enqueues one job; the
 * job (`deliverAuthCode`) looks the account up — so neither the answer nor its timing tells them apart.
 * Each mail carries a fresh code, whatever happened to the one before.
 */
export async function requestPasswordReset(
  deps: ApiDeps,
  req: RequestInfo,
  input: z.infer<typeof requestPasswordResetInput>,
): Promise<Ok> {
  await countCodeMail(deps, req, input.email);
  const job: AuthCodeJob = { purpose: 'password-reset', email: input.email };
  await deps.jobs.enqueue(deps.db, AUTH_CODE_QUEUE, job);
  return { ok: true };
}

/**
 * The code-mail job: creates the code (`issueOtp`, replacing any earlier one) and mails it, once per
 * job (`sendMailOnce`, keyed by the job id). A retry after a failed send makes a fresh code, so the
 * mail that finally arrives carries the one that works. Nothing is sent for an unknown email or an
 * address verified meanwhile.
 */
export function deliverAuthCode(deps: ApiDeps) {
  return async (job: AuthCodeJob, context: JobContext): Promise<void> => {
    const minutes = OTP_TTL_SECONDS / 60;
    await sendMailOnce(deps, `auth-code:${context.id}`, context.id, async () => {
      if (job.purpose === 'verify-email') {
        const row = await findUserById(deps.db, job.userId);
        if (!row || row.emailVerified) return null;
        const code = await issueOtp(deps, 'verify-email', row.id);
        return {
          to: row.email,
          subject: 'Your DevFlow verification code',
          text: `Your DevFlow verification code is ${code}. It expires in ${minutes} minutes.\n\nIf you did not ask for it, ignore this mail.`,
          code,
        };
      }
      const row = await findUserByLogin(deps.db, job.email);
      if (!row) return null;
      const code = await issueOtp(deps, 'password-reset', row.id);
      return {
        to: row.email,
        subject: 'Reset your DevFlow password',
        text: `Your DevFlow password reset code is ${code}. It expires in ${minutes} minutes.\n\nIf you did not ask for it, ignore this mail: your password stays as it is.`,
        code,
      };
    });
  };
}

/**
 * Sets a new password when `code` is the reset code mailed to `email`, proves the address, and ends
 * every session of the account (one transaction). A wrong code gets the same answer, by the same
 * steps, whether or not an account has this email (`checkOtp`).
 */
export async function resetPassword(
  deps: ApiDeps,
  req: RequestInfo,
  input: z.infer<typeof resetPasswordInput>,
): Promise<Ok> {
  const row = await findUserByLogin(deps.db, input.email);
  await checkOtp(
    deps,
    req.ip,
    'password-reset',
    row ? { userId: row.id } : { unknownEmail: input.email },
    input.code,
  );
  if (!row) return { ok: true };
  const passwordHash = await hashPassword(input.newPassword);
  await deps.db.transaction(async (tx) => {
    await resetUserPassword(tx, { userId: row.id, passwordHash });
    await invalidateUserSessions({ db: tx, cache: deps.cache }, row.id);
  });
  return { ok: true };
}
