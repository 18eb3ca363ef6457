import { tracked } from '@trpc/server';
import { toTRPCError } from './error-map';

/** One event of a service's stream and its id. */
export type StreamItem<Event> = { id: string; event: Event };

/**
 * Sends a service's stream as tRPC tracked events (the SSE `id` is the event's id, which the client
 * link sends back as `lastEventId` when it reconnects). Errors thrown once a subscription runs do not
 * pass the procedures' error map, so domain errors are mapped here to their tRPC codes.
 */
export async function* trackedStream<Event>(open: () => Promise<AsyncIterable<StreamItem<Event>>>) {
  try {
    for await (const item of await open()) yield tracked(item.id, item.event);
  } catch (error) {
    throw toTRPCError(error);
  }
}
