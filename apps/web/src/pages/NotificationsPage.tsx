import { badgeLabels } from '@devflow/contract/badges';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { LoadMore } from '../components/LoadMore';
import { RequireUser } from '../components/RequireUser';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { TimeAgo } from '../components/TimeAgo';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { type RouterOutputs, useTRPC } from '../lib/trpc';

type Notification = RouterOutputs['notification']['list']['items'][number];

/** A sentence for a notification: "alice answered your question". */
function describe(notification: Notification): string {
  switch (notification.type) {
    case 'answer':
      return 'answered your question';
    case 'reply':
      return 'replied to your post';
    case 'follow':
      return 'started following you';
    case 'accepted':
      return 'accepted your answer';
    case 'watched_question':
      return 'answered a question you watch';
    case 'watched_tag':
      return 'asked in a tag you watch';
    case 'badge':
      return notification.badge
        ? `earned the badge “${badgeLabels[notification.badge].title}”`
        : 'earned a badge';
  }
}

/** Where a notification leads: the question, or the follower's profile (your own, for a badge). */
function target(notification: Notification): string {
  // A badge's actor is the user themselves: their profile shows it.
  if (notification.type === 'follow' || notification.type === 'badge' || !notification.questionId) {
    return `/users/${encodeURIComponent(notification.actor.username)}`;
  }
  return `/questions/${notification.questionId}`;
}

/** The notification list with "mark all as read"; opening one marks it read. */
function NotificationList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(
    trpc.notification.list.infiniteQueryOptions(
      { limit: 20 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const markRead = useMutation(
    trpc.notification.markRead.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.notification.list.pathFilter()),
          queryClient.invalidateQueries(trpc.notification.unreadCount.pathFilter()),
        ]),
    }),
  );
  if (query.isPending) return <Loading label="Loading notifications…" />;
  // Without data the failure is the whole story; with data (a later page failed) it shows under the list.
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  const unread = items.filter((item) => !item.read);
  return (
    <>
      <div className="row" style={{ justifyContent: 'flex-end', marginBottom: '0.5rem' }}>
        <button
          type="button"
          className="btn btn--small"
          disabled={unread.length === 0 || markRead.isPending}
          onClick={() => markRead.mutate({})}
        >
          Mark all as read
        </button>
      </div>
      <ErrorMessage error={markRead.error} />
      {items.length === 0 ? (
        <Empty>No notifications yet.</Empty>
      ) : (
        <ul className="plain-list card">
          {items.map((item) => (
            <li
              key={item.id}
              data-testid="notification"
              className={item.read ? undefined : 'notification--unread'}
            >
              <Link to={target(item)} onClick={() => !item.read && markRead.mutate({ ids: [item.id] })}>
                {item.actor.displayName ?? item.actor.username} {describe(item)}
                {item.questionTitle ? `: ${item.questionTitle}` : ''}
              </Link>{' '}
              <span className="meta" style={{ display: 'inline-flex' }}>
                <TimeAgo iso={item.createdAt} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <LoadMore {...query} />
    </>
  );
}

/** The notifications page (signed-in users). */
export function NotificationsPage() {
  useDocumentTitle('Notifications');
  return (
    <>
      <div className="page-head">
        <h1>Notifications</h1>
        <Link to="/settings/notifications">Mail settings</Link>
      </div>
      <RequireUser>{() => <NotificationList />}</RequireUser>
    </>
  );
}
