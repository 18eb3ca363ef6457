import { linkedAccountsOutput, noInput, oauthProvidersOutput, unlinkInput } from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { protectedProcedure, publicProcedure, router } from '../../trpc/procedures';
import { listLinkedAccounts, oauthProviderStatus, unlinkProvider } from './service';

/**
 * Sign-in with GitHub and Google beyond the redirects themselves (those live at `/auth/oauth/*` in
 * the server): which providers are on, which are linked, and unlinking one.
 */
export const oauthRouter = router({
  /** Which providers are configured, so the web app shows only working buttons. */
  providers: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/oauth/providers',
        tags: ['oauth'],
        summary: 'OAuth providers enabled on this server',
        protect: false,
      },
    })
    .input(noInput)
    .output(syncOutput(oauthProvidersOutput))
    .query(({ ctx }) => oauthProviderStatus(ctx.deps.config)),

  /** The providers linked to the signed-in account, and whether it has a password. */
  accounts: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/oauth/accounts',
        tags: ['oauth'],
        summary: 'Sign-in methods of my account',
        protect: true,
      },
    })
    .input(noInput)
    .output(syncOutput(linkedAccountsOutput))
    .query(({ ctx }) => listLinkedAccounts(ctx.deps, ctx.user)),

  /** Unlinks a provider; refused when it is the account's last way to sign in. */
  unlink: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/oauth/unlink',
        errorResponses: {
          400: 'it is the last way to sign in to the account',
          404: 'the provider is not linked to this account',
        },
        tags: ['oauth'],
        summary: 'Unlink a sign-in provider',
        protect: true,
      },
    })
    .input(unlinkInput)
    .output(syncOutput(linkedAccountsOutput))
    .mutation(({ ctx, input }) => unlinkProvider(ctx.deps, ctx.user, input.provider)),
});
