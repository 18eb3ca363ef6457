import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../lib/trpc';
import { oauthStartUrl, PROVIDER_LABELS } from './OAuthButtons';
import { ErrorMessage } from './Status';
import { TimeAgo } from './TimeAgo';

/**
 * The signed-in user's GitHub/Google links (`oauth.accounts`): unlink one (the server refuses to remove
 * the last way to sign in), or link an enabled provider. Hidden when the server has OAuth switched off
 * and nothing is linked.
 */
export function SignInMethods({ returnTo }: { returnTo: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const providers = useQuery(trpc.oauth.providers.queryOptions(undefined, { staleTime: 5 * 60_000 }));
  const accounts = useQuery(trpc.oauth.accounts.queryOptions());
  const unlink = useMutation(
    trpc.oauth.unlink.mutationOptions({
      onSuccess: (next) => queryClient.setQueryData(trpc.oauth.accounts.queryKey(), next),
    }),
  );
  if (!providers.data || !accounts.data) return <ErrorMessage error={providers.error ?? accounts.error} />;
  const linked = accounts.data.accounts;
  const linkable = (['github', 'google'] as const).filter(
    (provider) => providers.data[provider] && !linked.some((account) => account.provider === provider),
  );
  if (linked.length === 0 && linkable.length === 0) return null;
  return (
    <section className="card" aria-labelledby="sign-in-methods">
      <h2 id="sign-in-methods">Sign-in methods</h2>
      <ul className="plain-list">
        <li>
          Password: {accounts.data.hasPassword ? 'set' : 'not set (use “Forgot your password?” to set one)'}
        </li>
        {linked.map((account) => (
          <li key={account.provider} className="row" style={{ justifyContent: 'space-between' }}>
            <span>
              {PROVIDER_LABELS[account.provider]}
              {account.email ? ` (${account.email})` : ''} · linked <TimeAgo iso={account.linkedAt} />
            </span>
            <button
              type="button"
              className="btn btn--small btn--danger"
              disabled={unlink.isPending}
              onClick={() => unlink.mutate({ provider: account.provider })}
            >
              Unlink
            </button>
          </li>
        ))}
      </ul>
      <ErrorMessage error={unlink.error} />
      {linkable.length > 0 && (
        <div className="row">
          {linkable.map((provider) => (
            <a key={provider} className="btn btn--small" href={oauthStartUrl(provider, returnTo, true)}>
              Link your {PROVIDER_LABELS[provider]} account
            </a>
          ))}
        </div>
      )}
    </section>
  );
}
