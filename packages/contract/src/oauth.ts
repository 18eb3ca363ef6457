import { z } from 'zod';
import { isoDate } from './common';

/** A provider DevFlow can sign in with. */
export const oauthProviderSchema = z.enum(['github', 'google']);

/** Output of `oauth.providers`: which sign-in buttons work on this server. */
export const oauthProvidersOutput = z.object({ github: z.boolean(), google: z.boolean() });

/** Output of `oauth.accounts` and `oauth.unlink`: the signed-in user's ways to sign in. */
export const linkedAccountsOutput = z.object({
  accounts: z.array(
    z.object({
      provider: oauthProviderSchema,
      /** The email the provider reported at the latest sign-in, if any. */
      email: z.string().nullable(),
      linkedAt: isoDate,
    }),
  ),
  hasPassword: z.boolean(),
});

/** Input of `oauth.unlink`. */
export const unlinkInput = z.object({ provider: oauthProviderSchema });
