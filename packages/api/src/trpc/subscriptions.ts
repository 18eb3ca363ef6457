import { tracked } from '@trpc/server';
import { toTRPCError } from './error-map';

/** One event of a service's stream and its id. */
export type StreamItem<Event> = { id: string; event: Event };

/**
 * Sends a service's stream as tRPC tracked events (the SSE `id` is the event's id, which the client
 * link sends back as `lastEventId` when it reconnects). The stream is opened here, before the resolver
 * answers — so before tRPC sends the SSE `connected` event (the client's `onStarted`) — and an event
 * committed after the client heard it is always sent. A refusal while opening (NOT_FOUND,
 * TOO_MANY_REQUESTS) is thrown where the stream is read, as before: the client gets it as the stream's
 * error. Errors thrown once a subscription runs do not pass the procedures' error map, so domain errors
 * are mapped here to their tRPC codes.
 */
export async function trackedStream<Event>(open: () => Promise<AsyncIterable<StreamItem<Event>>>) {
  let stream: AsyncIterable<StreamItem<Event>> | null = null;
  let refusal: unknown = null;
  try {
    stream = await open();
  } catch (error) {
    refusal = error;
  }
  const opened = stream;
  return (async function* () {
    try {
      if (opened === null) throw refusal;
      for await (const item of opened) yield tracked(item.id, item.event);
    } catch (error) {
      throw toTRPCError(error);
    }
  })();
}
