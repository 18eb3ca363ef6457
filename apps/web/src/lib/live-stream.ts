/** How long a live stream waits before it asks again after an error its link does not retry (ms). */
export const LIVE_RETRY_MS = 30_000;

/** What a stream's subscribe function receives: where to resume and what to call. */
type Handlers<T> = {
  onStarted: () => void;
  onData: (item: { id: string; data: T }) => void;
  onError: (error: unknown) => void;
};

/** A live stream that can close and open again. */
export type LiveStream = {
  /** Opens the stream (nothing when it is open), right after the last event it received. */
  open: () => void;
  /** Closes the stream; `open` resumes it. */
  close: () => void;
  /** Records an event received some other way (from the tab that holds the stream): resume after it. */
  seen: (id: string) => void;
};

/**
 * A tRPC subscription that resumes where it stopped: `subscribe` is called with the id of the last event
 * received (`lastEventId`), each time the stream opens. The link already reconnects on a dropped
 * connection and on retryable errors; any other error (the server refusing the stream, say
 * TOO_MANY_REQUESTS) closes it, and it opens again after {@link LIVE_RETRY_MS}. `onOpened` hears when
 * an `open` took effect, with the id it resumed after (null: it started at the newest event, so what a
 * page showed before may have missed some).
 */
export function resumableStream<T>(
  subscribe: (lastEventId: string | null, handlers: Handlers<T>) => { unsubscribe: () => void },
  onEvent: (data: T, id: string) => void,
  onOpened?: (resumedAfter: string | null) => void,
): LiveStream {
  let lastEventId: string | null = null;
  let subscription: { unsubscribe: () => void } | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const close = () => {
    clearTimeout(retry);
    subscription?.unsubscribe();
    subscription = null;
  };
  const open = () => {
    if (subscription) return;
    const from = lastEventId;
    let started = false;
    subscription = subscribe(from, {
      onStarted: () => {
        // The link reconnects on its own (and says so again): only the first start is this open's.
        if (started) return;
        started = true;
        onOpened?.(from);
      },
      onData: ({ id, data }) => {
        lastEventId = id;
        onEvent(data, id);
      },
      onError: () => {
        close();
        // Marks the stream as wanted (not null) until the retry opens it again.
        subscription = { unsubscribe: () => undefined };
        retry = setTimeout(() => {
          subscription = null;
          open();
        }, LIVE_RETRY_MS);
      },
    });
  };
  return {
    open,
    close,
    seen: (id) => {
      lastEventId = id;
    },
  };
}
