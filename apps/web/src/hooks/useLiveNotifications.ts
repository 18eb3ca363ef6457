import type { LiveNotificationEvent } from '@devflow/contract';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { shareNotificationStream } from '../lib/live-notifications';
import { useTRPC, useTRPCClient } from '../lib/trpc';

/**
 * Keeps the signed-in user's unread count (`notification.unreadCount`) current from `live.notifications`:
 * each event carries the new count, which goes straight into the cache; an open notifications list is
 * refetched when a notification arrives, and everything when the stream says `reload` or starts without an
 * event to resume from (what was read before it may be behind). A count still being fetched when an event
 * arrives is cancelled, so an older number never overwrites the event's. One stream serves every tab of
 * the browser (`lib/live-notifications.ts`).
 */
export function useLiveNotifications(userId: string | null): void {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (userId === null) return;
    const onEvent = (event: LiveNotificationEvent) => {
      if (event.type === 'reload') {
        void queryClient.invalidateQueries(trpc.notification.pathFilter());
        return;
      }
      // A count fetched before this event would overwrite it with an older number when it lands.
      void queryClient.cancelQueries({ queryKey: trpc.notification.unreadCount.queryKey() });
      queryClient.setQueryData(trpc.notification.unreadCount.queryKey(), { count: event.unread });
      if (event.type === 'notification.created') {
        void queryClient.invalidateQueries(trpc.notification.list.pathFilter());
      }
    };
    const refetchCounts = () => void queryClient.invalidateQueries(trpc.notification.pathFilter());
    return shareNotificationStream(client, userId, onEvent, refetchCounts);
  }, [userId, client, queryClient, trpc]);
}
