import {
  MAIL_DELIVERIES,
  MAIL_DELIVERY_LABELS,
  NOTIFICATION_KIND_LABELS,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from '@devflow/contract/notification-kinds';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { RequireUser } from '../components/RequireUser';
import { ErrorMessage, Loading } from '../components/Status';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import type { Me } from '../hooks/useMe';
import { useTRPC } from '../lib/trpc';

/** One select per kind of notification: at once, daily or weekly digest, or no mail. Saved on change. */
function SettingsForm({ me }: { me: NonNullable<Me> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.user.notificationSettings.queryOptions());
  const save = useMutation(
    trpc.user.setNotificationSettings.mutationOptions({
      onSuccess: (settings) => queryClient.setQueryData(trpc.user.notificationSettings.queryKey(), settings),
    }),
  );
  if (query.isPending) return <Loading label="Loading your settings…" />;
  if (query.isError) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const settings = query.data;
  return (
    <form className="card stack" onSubmit={(event) => event.preventDefault()}>
      {!me.emailVerified && (
        <p className="muted">
          DevFlow mails only verified addresses: <Link to="/verify-email">verify your email</Link> to get
          these mails.
        </p>
      )}
      {NOTIFICATION_KINDS.map((kind: NotificationKind) => (
        <div className="field" key={kind}>
          <label htmlFor={`delivery-${kind}`}>{NOTIFICATION_KIND_LABELS[kind]}</label>
          <select
            id={`delivery-${kind}`}
            value={settings[kind]}
            disabled={save.isPending}
            onChange={(event) => {
              const delivery = MAIL_DELIVERIES.find((value) => value === event.target.value);
              if (delivery) save.mutate({ [kind]: delivery });
            }}
          >
            {MAIL_DELIVERIES.map((delivery) => (
              <option key={delivery} value={delivery}>
                {MAIL_DELIVERY_LABELS[delivery]}
              </option>
            ))}
          </select>
        </div>
      ))}
      <ErrorMessage error={save.error} />
      {save.isSuccess && (
        <p role="status" className="muted">
          Saved.
        </p>
      )}
    </form>
  );
}

/** Notification mail settings (signed-in users). */
export function NotificationSettingsPage() {
  useDocumentTitle('Notification mail');
  return (
    <>
      <h1>Notification mail</h1>
      <p className="muted">
        Choose how each kind of notification reaches you by mail. Digests group news by question.
      </p>
      <RequireUser>{(me) => <SettingsForm me={me} />}</RequireUser>
    </>
  );
}
