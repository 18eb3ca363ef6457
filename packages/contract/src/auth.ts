import { z } from 'zod';
import { idOutput, isoDate, roleSchema } from './common';
import { EMAIL_MAX_LENGTH, OTP_CODE_LENGTH, PASSWORD_LENGTH, USERNAME_LENGTH } from './limits';

/** An email address, trimmed; compared case-insensitively everywhere. */
export const emailSchema = z
  .string()
  .trim()
  .max(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`)
  .pipe(z.email('must be a valid email address'))
  // The document describes the input side of the pipe (a trimmed string); say it is an email too.
  .meta({ format: 'email' });

/** 3..32 of lower-case letters, digits, `_` and `-`; stored as typed, unique case-insensitively. */
export const usernameSchema = z
  .string()
  .trim()
  .min(USERNAME_LENGTH.min, `must be at least ${USERNAME_LENGTH.min} characters`)
  .max(USERNAME_LENGTH.max, `must be at most ${USERNAME_LENGTH.max} characters`)
  .regex(/^[a-z0-9_-]+$/, 'may contain only lower-case letters, digits, "_" and "-"');

/**
 * A new password's length rule. The API adds its own check on top (not one of the 1,000 most common
 * passwords: `packages/api/src/domains/auth/inputs.ts`), which needs a dictionary no client should ship.
 */
export const newPasswordSchema = z
  .string()
  .min(PASSWORD_LENGTH.min, `must be at least ${PASSWORD_LENGTH.min} characters`)
  .max(PASSWORD_LENGTH.max, `must be at most ${PASSWORD_LENGTH.max} characters`);

/** A 6-digit code from a mail. */
export const otpCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/, `must be the ${OTP_CODE_LENGTH}-digit code from the mail`);

/** `auth.register` input. */
export const registerInput = z.object({
  email: emailSchema,
  username: usernameSchema,
  password: newPasswordSchema,
});

/** `auth.login` input: the email or the username, and the password. */
export const loginInput = z.object({
  login: z.string().trim().min(1, 'enter your email or username').max(EMAIL_MAX_LENGTH),
  password: z.string().min(1, 'enter your password').max(PASSWORD_LENGTH.max),
});

/** `auth.verifyEmail` input. */
export const verifyEmailInput = z.object({ code: otpCodeSchema });

/** `auth.requestPasswordReset` input. */
export const requestPasswordResetInput = z.object({ email: emailSchema });

/** `auth.resetPassword` input. */
export const resetPasswordInput = z.object({
  email: emailSchema,
  code: otpCodeSchema,
  newPassword: newPasswordSchema,
});

/** The signed-in account as its owner sees it (`user` in auth answers). */
export const publicUserOutput = z.object({
  id: idOutput,
  username: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  role: roleSchema,
  emailVerified: z.boolean(),
  createdAt: isoDate,
  suspendedUntil: isoDate.nullable(),
});

/** `auth.register` / `auth.login` output: the account and the session token (also set as a cookie). */
export const authResultOutput = z.object({ user: publicUserOutput, token: z.string() });
