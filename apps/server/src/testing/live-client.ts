import type { AppRouter } from '@devflow/api';
import type { LiveQuestionEvent } from '@devflow/contract';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';

/**
 * Live-update clients for tests: the published `@trpc/client` with `httpSubscriptionLink` over the
 * `eventsource` package (Node 20 has no EventSource of its own), Bearer token included.
 */

/** A typed client of `url` whose subscriptions travel over SSE (EventSource from the `eventsource` package). */
export function clientOf(url: string, token: string | null = null) {
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
          }),
        }),
        false: httpLink({ url: `${url}/trpc`, headers: () => headers ?? {} }),
      }),
    ],
  });
}

export type Received = { id: string; event: LiveQuestionEvent; at: number };

/** Subscribes to `live.question` and records what arrives; `started` resolves once the stream is open. */
export function watchQuestion(url: string, questionId: string, lastEventId?: string) {
  const events: Received[] = [];
  const errors: unknown[] = [];
  let resolveStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    resolveStarted = resolve;
  });
  const subscription = clientOf(url).live.question.subscribe(
    { questionId, ...(lastEventId ? { lastEventId } : {}) },
    {
      onStarted: () => resolveStarted(),
      onData: (envelope) => {
        events.push({ id: envelope.id, event: envelope.data, at: Date.now() });
      },
      onError: (error) => errors.push(error),
    },
  );
  return {
    events,
    errors,
    started,
    stop: () => subscription.unsubscribe(),
    /** Waits (with a deadline) until `count` events arrived. */
    async receive(count: number, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (events.length < count) {
        if (errors.length > 0) throw errors[0];
        if (Date.now() > deadline)
          throw new Error(`got ${events.length} of ${count}: ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return events;
    },
  };
}

/** The body a reply or answer event carries, or the event's type for any other event. */
export const bodyOf = (event: LiveQuestionEvent): string =>
  event.type === 'reply.created'
    ? event.reply.body
    : event.type === 'answer.created'
      ? event.answer.body
      : event.type;
