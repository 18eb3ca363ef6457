import {
  authResultOutput,
  loginInput,
  noInput,
  okOutput,
  publicUserOutput,
  requestPasswordResetInput,
  verifyEmailInput,
} from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { protectedProcedure, publicProcedure, router } from '../../trpc/procedures';
import { registerInput, resetPasswordInput } from './inputs';
import * as auth from './service';

/** Accounts and sessions: registration, sign-in and out, email verification, password reset. */
export const authRouter = router({
  /** Creates an account and signs it in: returns the session token and sets the session cookie. */
  register: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/register',
        errorResponses: {
          409: 'the email or username is taken',
          429: 'too many registrations from this network',
        },
        tags: ['auth'],
        summary: 'Create an account',
      },
    })
    .input(registerInput)
    .output(syncOutput(authResultOutput))
    .mutation(({ ctx, input }) => auth.register(ctx.deps, ctx.req, input, ctx.cookies)),

  /** Signs in with email or username and password: a new session token, also set as the cookie. */
  login: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/login',
        errorResponses: {
          401: 'the login or password is wrong',
          429: 'too many failed sign-ins for this account or network',
        },
        tags: ['auth'],
        summary: 'Sign in',
      },
    })
    .input(loginInput)
    .output(syncOutput(authResultOutput))
    .mutation(({ ctx, input }) => auth.login(ctx.deps, ctx.req, input, ctx.cookies)),

  /** The signed-in account, or null. */
  me: publicProcedure
    .meta({ openapi: { method: 'GET', path: '/auth/me', tags: ['auth'], summary: 'The signed-in account' } })
    .input(noInput)
    .output(syncOutput(publicUserOutput.nullable()))
    .query(({ ctx }) => auth.me(ctx.deps, ctx.user)),

  /** Ends the current session and clears the cookie. */
  logout: protectedProcedure
    .meta({
      openapi: { method: 'POST', path: '/auth/logout', tags: ['auth'], summary: 'Sign out', protect: true },
    })
    .input(noInput)
    .output(syncOutput(okOutput))
    .mutation(({ ctx }) => auth.logout(ctx.deps, ctx.session, ctx.cookies)),

  /** Ends every session of the account (all devices) and clears the cookie. */
  logoutAll: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/logout-all',
        tags: ['auth'],
        summary: 'Sign out everywhere',
        protect: true,
      },
    })
    .input(noInput)
    .output(syncOutput(okOutput))
    .mutation(({ ctx }) => auth.logoutEverywhere(ctx.deps, ctx.user, ctx.cookies)),

  /** Mails a 6-digit code to verify the account's email address. */
  requestEmailVerification: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/request-email-verification',
        errorResponses: {
          400: 'the email address is already verified',
          429: 'too many codes requested for this account',
        },
        tags: ['auth'],
        summary: 'Mail an email verification code',
        protect: true,
      },
    })
    .input(noInput)
    .output(syncOutput(okOutput))
    .mutation(({ ctx }) => auth.requestEmailVerification(ctx.deps, ctx.req, ctx.user)),

  /** Verifies the email address with the mailed code. */
  verifyEmail: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/verify-email',
        errorResponses: { 400: 'the code is wrong, has expired or was tried too many times' },
        tags: ['auth'],
        summary: 'Verify the email address',
        protect: true,
      },
    })
    .input(verifyEmailInput)
    .output(syncOutput(publicUserOutput))
    .mutation(({ ctx, input }) => auth.verifyEmail(ctx.deps, ctx.req, ctx.user, input)),

  /** Mails a password reset code if an account has this email; the answer is the same either way. */
  requestPasswordReset: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/request-password-reset',
        errorResponses: { 429: 'too many codes requested for this email' },
        tags: ['auth'],
        summary: 'Mail a password reset code',
      },
    })
    .input(requestPasswordResetInput)
    .output(syncOutput(okOutput))
    .mutation(({ ctx, input }) => auth.requestPasswordReset(ctx.deps, ctx.req, input)),

  /** Sets a new password with the mailed code and ends every session of the account. */
  resetPassword: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/reset-password',
        errorResponses: { 400: 'the code is wrong, has expired or was tried too many times' },
        tags: ['auth'],
        summary: 'Reset the password',
      },
    })
    .input(resetPasswordInput)
    .output(syncOutput(okOutput))
    .mutation(({ ctx, input }) => auth.resetPassword(ctx.deps, ctx.req, input)),
});
