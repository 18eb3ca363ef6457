import { NOTIFICATION_KIND_LABELS, NOTIFICATION_KINDS } from '@devflow/contract/notification-kinds';
import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

/** What the one-click endpoint answers. */
type Outcome = { kinds: string[] };

/**
 * Posts the token to the one-click endpoint (`POST /mail/unsubscribe`, RFC 8058), as a mail client's
 * unsubscribe button does. It needs no session: the signed token is the authorization.
 */
async function unsubscribe(token: string): Promise<Outcome> {
  const response = await fetch(`/mail/unsubscribe?token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  const body: unknown = await response.json().catch(() => null);
  const field = (key: string): unknown =>
    body !== null && typeof body === 'object' ? Reflect.get(body, key) : undefined;
  if (!response.ok) {
    const message = field('error');
    throw new Error(typeof message === 'string' ? message : 'The unsubscribe failed; please try again.');
  }
  const kinds = field('kinds');
  return { kinds: Array.isArray(kinds) ? kinds.filter((kind) => typeof kind === 'string') : [] };
}

/** The labels of the kinds a token turned off, in the settings page's order. */
function labelsOf(kinds: string[]): string[] {
  return NOTIFICATION_KINDS.filter((kind) => kinds.includes(kind)).map(
    (kind) => NOTIFICATION_KIND_LABELS[kind],
  );
}

/**
 * The landing page of a notification mail's unsubscribe link. Opening it changes nothing (mail scanners
 * open links); the button does, signed in or not.
 */
export function UnsubscribePage() {
  useDocumentTitle('Unsubscribe');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const run = useMutation({ mutationFn: () => unsubscribe(token) });
  return (
    <div className="card form-narrow stack">
      <h1>Unsubscribe</h1>
      {run.isSuccess ? (
        <p role="status">
          Done. DevFlow will no longer mail you about: {labelsOf(run.data.kinds).join(', ')}. You can change
          this any time in <Link to="/settings/notifications">your notification settings</Link>.
        </p>
      ) : (
        <>
          <p>Stop the notification mails this link came with?</p>
          <button
            type="button"
            className="btn btn--primary"
            disabled={!token || run.isPending}
            onClick={() => run.mutate()}
          >
            Unsubscribe
          </button>
          {run.isError && (
            <div className="alert" role="alert">
              {run.error.message}
            </div>
          )}
        </>
      )}
    </div>
  );
}
