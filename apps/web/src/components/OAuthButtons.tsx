import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { safeNext } from '../lib/next';
import { useTRPC } from '../lib/trpc';

/** Display names of the OAuth providers the server knows. */
export const PROVIDER_LABELS = { github: 'GitHub', google: 'Google' } as const;

/** The `/auth/oauth/:provider` address that starts a sign-in (or a link, for a signed-in user). */
export function oauthStartUrl(
  provider: keyof typeof PROVIDER_LABELS,
  returnTo: string,
  link = false,
): string {
  const params = new URLSearchParams({ returnTo });
  if (link) params.set('link', '1');
  return `/auth/oauth/${provider}?${params.toString()}`;
}

/**
 * "Continue with GitHub / Google" for the providers this server has configured (`oauth.providers`);
 * nothing when none is. These are full-page links: the server redirects to the provider and back.
 */
export function OAuthButtons() {
  const trpc = useTRPC();
  const [params] = useSearchParams();
  const providers = useQuery(trpc.oauth.providers.queryOptions(undefined, { staleTime: 5 * 60_000 }));
  if (!providers.data) return null;
  const enabled = (['github', 'google'] as const).filter((provider) => providers.data[provider]);
  if (enabled.length === 0) return null;
  const returnTo = safeNext(params.get('next'));
  return (
    <div className="stack" style={{ marginTop: '1rem' }}>
      <p className="muted small" style={{ textAlign: 'center' }}>
        or
      </p>
      {enabled.map((provider) => (
        <a
          key={provider}
          className="btn"
          style={{ justifyContent: 'center', width: '100%' }}
          href={oauthStartUrl(provider, returnTo)}
        >
          Continue with {PROVIDER_LABELS[provider]}
        </a>
      ))}
    </div>
  );
}
