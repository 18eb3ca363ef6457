import type { LiveNotificationEvent } from '@devflow/contract';
import { resumableStream } from './live-stream';
import type { trpcClient } from './trpc';

/** The client whose `live.notifications` subscription the shared stream opens. */
type Client = Pick<typeof trpcClient, 'live'>;

/** One event as the leader tab passes it to the others: the stream's event id and the event. */
type SharedEvent = { id: string; data: LiveNotificationEvent };

function isSharedEvent(message: unknown): message is SharedEvent {
  if (!message || typeof message !== 'object') return false;
  const data: unknown = Reflect.get(message, 'data');
  return (
    typeof Reflect.get(message, 'id') === 'string' &&
    Boolean(data && typeof data === 'object' && typeof Reflect.get(data, 'type') === 'string')
  );
}

/**
 * Opens ONE `live.notifications` stream per browser for the signed-in user `userId`, however many tabs
 * call this, and hands every event to `onEvent` in every tab. The tabs elect a leader with a Web Lock
 * named after the user: the tab holding it opens the stream and posts each event on a BroadcastChannel
 * of the same name; the others only listen. Every tab remembers the last event id it saw, so when the
 * leader's tab closes (its lock is released), the next tab in the lock's queue takes over and resumes
 * the stream right after that id: no event is missed. Without Web Locks or BroadcastChannel each tab
 * opens its own stream. `onFreshStart` hears when the leader's stream starts at the newest event (no id
 * to resume from), so what the page read before may be behind. Returns the function that stops (and
 * releases the lead).
 */
export function shareNotificationStream(
  client: Client,
  userId: string,
  onEvent: (event: LiveNotificationEvent) => void,
  onFreshStart?: () => void,
): () => void {
  const name = `devflow:live.notifications:${userId}`;
  const stop = new AbortController();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null;
  const stream = resumableStream<LiveNotificationEvent>(
    (lastEventId, handlers) => client.live.notifications.subscribe({ lastEventId }, handlers),
    (data, id) => {
      channel?.postMessage({ id, data } satisfies SharedEvent);
      onEvent(data);
    },
    // A stream that starts at the newest event may have missed what came after the page read its counts.
    (resumedAfter) => {
      if (resumedAfter === null) onFreshStart?.();
    },
  );
  channel?.addEventListener('message', (message: MessageEvent<unknown>) => {
    if (!isSharedEvent(message.data)) return;
    stream.seen(message.data.id);
    onEvent(message.data.data);
  });

  /** Holds the stream until `stop` aborts; the returned promise keeps the lock while it is pending. */
  const lead = () =>
    new Promise<void>((resolve) => {
      if (stop.signal.aborted) return resolve();
      stream.open();
      stop.signal.addEventListener('abort', () => {
        stream.close();
        resolve();
      });
    });

  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks && channel) {
    // Rejects with an AbortError when the tab stops while still waiting for the lead: nothing to do.
    locks.request(name, { signal: stop.signal }, lead).catch(() => undefined);
  } else {
    void lead();
  }
  return () => {
    stop.abort();
    channel?.close();
  };
}
