import type { LiveNotificationEvent, LiveQuestionEvent } from '@devflow/contract';
import {
  appendLiveEvents,
  type LiveEventRow,
  type NewLiveEvent,
  redactLiveEvents,
  type Transaction,
} from '@devflow/db';
import type { ApiDeps } from '../../deps';
import { hubs } from './hub';

/** The channel of everything that happens on question `id`. */
export const questionChannel = (id: number | string): string => `q:${id}`;

/** The channel of user `id`'s notifications. */
export const userChannel = (id: number | string): string => `u:${id}`;

/** A `live.question` event as written (the reload notice is the server's, never written). */
export type QuestionEventInput = Exclude<LiveQuestionEvent, { type: 'reload' }>;

/**
 * A `live.notifications` event as written: the notification is stored by id and read, with the unread
 * count, when it is delivered (so a subscriber sees it as `notification.list` shows it).
 */
export type NotificationEventInput =
  | { type: 'notification.created'; notificationId: number }
  | { type: 'notification.read' };

/** Turns the stored form of a notification event into what `live.notifications` sends. */
export type NotificationWire = LiveNotificationEvent;

/** Key of a post in the backlog (`answer:12`): what a deletion redacts. */
export const postKey = (type: 'question' | 'answer' | 'reply', id: number | string): string =>
  `${type}:${id}`;

/**
 * Collects the live events of one transaction. Events are only queued here; `liveTransaction` writes them
 * (and the redactions) at the end of the transaction, locking the channels' counters in sorted order.
 */
export type LiveBatch = {
  /** Queues an event for `live.question` subscribers of `questionId`. */
  question(
    questionId: number,
    event: QuestionEventInput,
    keys?: { post?: string | null; parent?: string | null },
  ): void;
  /** Queues an event for `live.notifications` subscribers of `userId`. */
  user(userId: number, event: NotificationEventInput): void;
  /**
   * Forgets the content of deleted posts in `questionId`'s backlog: events carrying one of `keys` (or
   * hanging from one), or every content event with `'all'` (the question itself was deleted).
   */
  redact(questionId: number, keys: string[] | 'all'): void;
};

/** What a service needs to write live events: the database, and the hub when the app made one. */
type Deps = Pick<ApiDeps, 'db'> & { live?: ApiDeps['live'] };

/**
 * Runs `work` in a transaction and writes the live events it queued in that same transaction, so an
 * event exists exactly when its change committed. After the commit the events are handed to this
 * process's hub, which delivers them here and publishes them to the other processes; if that hand-over
 * is lost (a crash, a Redis outage), every hub's poll of the channel counters (`hub.ts`) still finds them.
 */
export async function liveTransaction<T>(
  deps: Deps,
  work: (tx: Transaction, live: LiveBatch) => Promise<T>,
): Promise<T> {
  const pending: NewLiveEvent[] = [];
  const redactions: { channel: string; keys: string[]; all: boolean }[] = [];
  const batch: LiveBatch = {
    question(questionId, event, keys) {
      pending.push({
        channel: questionChannel(questionId),
        type: event.type,
        payload: event,
        postKey: keys?.post ?? null,
        parentKey: keys?.parent ?? null,
      });
    },
    user(userId, event) {
      pending.push({ channel: userChannel(userId), type: event.type, payload: event });
    },
    redact(questionId, keys) {
      redactions.push({
        channel: questionChannel(questionId),
        keys: keys === 'all' ? [] : keys,
        all: keys === 'all',
      });
    },
  };
  const { result, rows } = await deps.db.transaction(async (tx) => {
    const result = await work(tx, batch);
    for (const redaction of redactions) await redactLiveEvents(tx, redaction);
    const rows = await appendLiveEvents(tx, pending);
    return { result, rows };
  });
  if (rows.length > 0) committed(deps, rows);
  return result;
}

/** Hands committed events to the process's hub (the app's, or the one a test opened on this database). */
function committed(deps: Deps, rows: LiveEventRow[]): void {
  const hub = deps.live ?? hubs.get(deps.db);
  hub?.committed(rows);
}
