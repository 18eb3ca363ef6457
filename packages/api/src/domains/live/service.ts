import {
  LIVE_LIMITS,
  LIVE_RELOAD_REASONS,
  type LiveNotificationEvent,
  type LiveQuestionEvent,
  type liveNotificationsInput,
  type liveQuestionInput,
} from '@devflow/contract';
import { findPost, type LiveEventRow, readLiveEvents, unreadNotificationCount } from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { DomainError, LimitedError } from '../../platform/domain-errors';
import { can } from '../../platform/policy';
import type { Context, SessionUser } from '../../trpc/context';
import { findNotificationItem } from '../notification/service';
import { notFound } from '../posts/posts';
import { type NotificationEventInput, questionChannel, userChannel } from './events';
import { liveHubFor } from './hub';

/** One event of a stream and its id (the router sends it with tRPC's `tracked(id, event)`). */
export type LiveItem<Event> = { id: string; event: Event };

/** What a client resuming from an unknown or expired id is sent first. */
type Reload = { type: 'reload'; reason: string };

/** The `reload` event, sent with the id the stream continues from. */
function reload(id: number, reason: string): LiveItem<Reload> {
  return { id: String(id), event: { type: 'reload', reason } };
}

/** Seconds a client refused for too many streams is told to wait. */
const RETRY_AFTER_SECONDS = 10;

/** Most backlog events one read returns while a subscriber catches up. */
const PAGE = 200;

/**
 * Counts the stream against the caller's session (or, signed out, its IP) and its IP, or refuses it with
 * TOO_MANY_REQUESTS. Returns the release function.
 */
function admit(deps: ApiDeps, ctx: Pick<Context, 'session' | 'req'>): () => void {
  const hub = liveHubFor(deps);
  const owner = ctx.session ? `session:${ctx.session.id}` : `anon:${ctx.req.ip}`;
  const release = hub.admit([
    { key: owner, limit: LIVE_LIMITS.perSession },
    { key: `ip:${ctx.req.ip}`, limit: LIVE_LIMITS.perIp },
  ]);
  if (!release) {
    throw new LimitedError(
      RETRY_AFTER_SECONDS,
      `Too many live updates open at once (at most ${LIVE_LIMITS.perSession} per session). Close some tabs and try again.`,
    );
  }
  return release;
}

/**
 * Opens the stream of `channel`: attaches to it and fixes where the stream starts — right after
 * `lastEventId`, or at the newest event when the client gives none — BEFORE it returns, so before tRPC
 * tells the client the stream is open (the SSE `connected` event, `onStarted`): an event committed after
 * the client heard that is always sent. The returned generator sends every event after that position,
 * then waits for more, until `signal` aborts (the client went away) or the hub closes (SIGTERM). Each
 * event is sent once, in order, with its number as the SSE id. A client resuming from an id the backlog
 * no longer reaches (older than the retention window), or from one never issued, is sent a `reload` event
 * first. A stream the client leaves before it is read is closed all the same.
 */
async function channelStream<Event>(
  deps: ApiDeps,
  channel: string,
  lastEventId: string | null | undefined,
  signal: AbortSignal | undefined,
  toEvent: (row: LiveEventRow) => Promise<Event | null>,
  release: () => void,
): Promise<AsyncGenerator<LiveItem<Event | Reload>, void, unknown>> {
  const hub = liveHubFor(deps);
  let subscription: Awaited<ReturnType<typeof hub.attach>>;
  try {
    subscription = await hub.attach(channel);
  } catch (error) {
    release();
    throw error;
  }
  const attached = subscription;
  const start = lastEventId == null ? attached.head() : Number(lastEventId);
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    signal?.removeEventListener('abort', finish);
    attached.close();
    release();
  };
  // The client may leave before tRPC reads the generator (whose `finally` would then never run).
  signal?.addEventListener('abort', finish, { once: true });
  if (signal?.aborted) finish();
  return follow(deps, channel, attached, start, signal, toEvent, finish);
}

/** The events of an attached channel after `start`, as `channelStream` describes; `finish` ends it. */
async function* follow<Event>(
  deps: ApiDeps,
  channel: string,
  subscription: Awaited<ReturnType<ReturnType<typeof liveHubFor>['attach']>>,
  start: number,
  signal: AbortSignal | undefined,
  toEvent: (row: LiveEventRow) => Promise<Event | null>,
  finish: () => void,
): AsyncGenerator<LiveItem<Event | Reload>, void, unknown> {
  const hub = liveHubFor(deps);
  // Not `AbortSignal.any`: that allocates a signal with weak references per stream; the hub wakes
  // every waiter itself when it closes.
  const stop = {
    get aborted() {
      return signal?.aborted === true || hub.closing.aborted;
    },
  };
  try {
    let last = start;
    if (last > subscription.head()) {
      last = subscription.head();
      yield reload(last, LIVE_RELOAD_REASONS.unknownEvent);
    }
    while (!stop.aborted) {
      const version = subscription.version();
      let rows = subscription.since(last);
      if (rows === null) {
        rows = await readLiveEvents(deps.db, { channel, afterSeq: last, limit: PAGE });
        const first = rows[0];
        if ((first && first.seq !== last + 1) || (!first && subscription.head() > last)) {
          last = subscription.head();
          yield reload(last, LIVE_RELOAD_REASONS.tooOld);
          continue;
        }
      }
      for (const row of rows) {
        if (stop.aborted) break;
        last = row.seq;
        if (row.redacted) continue;
        const event = await toEvent(row);
        if (event !== null) yield { id: String(row.seq), event };
      }
      if (rows.length === 0) await subscription.wait(version, signal);
    }
    if (hub.closing.aborted && !signal?.aborted) {
      // SIGTERM: end with a retryable error, so the client link reconnects (to another process behind
      // a load balancer) with its last id instead of taking the stream as finished.
      throw new DomainError('SERVICE_UNAVAILABLE', 'This server is restarting; live updates reconnect.');
    }
  } finally {
    finish();
  }
}

/**
 * `live.question`: every change to a question a visitor could see — answers, replies, reactions, the
 * acceptance, edits — as typed events. NOT_FOUND for a question that does not exist or that the caller
 * may not see (deleted, for everyone but moderators). The stream checks these before it opens.
 */
export async function openQuestionStream(
  deps: ApiDeps,
  ctx: Pick<Context, 'session' | 'req' | 'user'>,
  input: z.infer<typeof liveQuestionInput>,
  signal: AbortSignal | undefined,
) {
  const post = await findPost(deps.db, { type: 'question', id: input.questionId, lock: false });
  if (!post || (post.deleted && !can(ctx.user, 'post.viewDeleted'))) throw notFound('question');
  const release = admit(deps, ctx);
  return channelStream<LiveQuestionEvent>(
    deps,
    questionChannel(input.questionId),
    input.lastEventId,
    signal,
    async (row) => row.payload as LiveQuestionEvent,
    release,
  );
}

/**
 * `live.notifications`: each new notification of the caller (as `notification.list` shows it) with the
 * unread count, and the count again when notifications are marked read. Only the caller's own.
 */
export async function openNotificationStream(
  deps: ApiDeps,
  ctx: Pick<Context, 'session' | 'req'> & { user: SessionUser },
  input: z.infer<typeof liveNotificationsInput>,
  signal: AbortSignal | undefined,
) {
  const viewer = ctx.user;
  const release = admit(deps, ctx);
  return channelStream<LiveNotificationEvent>(
    deps,
    userChannel(viewer.id),
    input.lastEventId,
    signal,
    async (row) => {
      const stored = row.payload as NotificationEventInput;
      const unread = await unreadNotificationCount(deps.db, viewer.id);
      if (stored.type === 'notification.read') return { type: 'notification.read', unread };
      const notification = await findNotificationItem(deps, viewer, stored.notificationId);
      return notification ? { type: 'notification.created', notification, unread } : null;
    },
    release,
  );
}
