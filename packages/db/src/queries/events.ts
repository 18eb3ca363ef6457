import { and, asc, eq, gt, inArray, lt, or, type Placeholder, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { liveChannels, liveEvents } from '../schema';
import type { Bindable } from './rows';

/**
 * The live events backlog (`schema/events.ts`).
 *
 * Why a counter row per channel rather than a sequence: a sequence hands out numbers in the order
 * transactions ASK for them, not the order they COMMIT. If transaction A takes 100 and B takes 101, B can
 * commit first; a subscriber that has seen 101 and resumes "after 101" would never see 100. Here a
 * transaction takes its numbers by updating its channel's row in `live_channels`, which it then holds
 * locked until it ends: a second writer on that channel waits, reads the first one's committed number,
 * and continues from it. So on every channel the numbers are gapless and committed in order, and
 * "everything after N" is a complete answer the moment N is visible. The cost is that writers to ONE
 * channel (one question, one user's notifications) serialize for the last moments of their transaction
 * (`appendLiveEvents` runs at its end); writers to different channels do not wait for each other. Channels
 * are locked in sorted order, so two transactions never wait on each other in a cycle.
 */

/** An event to append; `seq` is assigned by `appendLiveEvents`. */
export type NewLiveEvent = {
  channel: string;
  type: string;
  payload: Record<string, unknown>;
  /** The post whose content the payload carries (`answer:12`), for redaction when it is deleted. */
  postKey?: string | null;
  /** The post that post hangs from (`answer:12` for a reply on it). */
  parentKey?: string | null;
};

/** A stored event, as the backlog returns it. */
export type LiveEventRow = {
  channel: string;
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  postKey: string | null;
  parentKey: string | null;
  redacted: boolean;
  createdAt: Date;
};

/**
 * The columns an appended or read event comes back with. Exported so the bench's bare twin reads the rows
 * `appendLiveEvents` returns (bench/write-twins.ts).
 */
export const liveEventColumns = {
  channel: liveEvents.channel,
  seq: liveEvents.seq,
  type: liveEvents.type,
  payload: liveEvents.payload,
  postKey: liveEvents.postKey,
  parentKey: liveEvents.parentKey,
  redacted: liveEvents.redacted,
  createdAt: liveEvents.createdAt,
};

/**
 * Appends events inside the caller's transaction: per channel (in sorted order) bumps the counter row by
 * the number of its events — holding that row locked until the transaction ends — then inserts them all
 * in one statement. Returns the stored rows in the order given, with their numbers.
 */
export async function appendLiveEvents(db: Executor, events: NewLiveEvent[]): Promise<LiveEventRow[]> {
  if (events.length === 0) return [];
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.channel, (counts.get(event.channel) ?? 0) + 1);
  const next = new Map<string, number>();
  for (const channel of [...counts.keys()].sort()) {
    const n = counts.get(channel) ?? 0;
    const [row] = await bumpLiveChannelQuery(db, { channel, n });
    if (!row) throw new Error('the live channel counter returned no row');
    next.set(channel, Number(row.lastSeq) - n + 1);
  }
  const values = events.map((event) => {
    const seq = next.get(event.channel) ?? 1;
    next.set(event.channel, seq + 1);
    return {
      channel: event.channel,
      seq,
      type: event.type,
      payload: event.payload,
      postKey: event.postKey ?? null,
      parentKey: event.parentKey ?? null,
    };
  });
  const rows = await insertLiveEventsQuery(db, values);
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

/**
 * The statement of `appendLiveEvents` that takes `n` numbers on `channel`: bumps its counter row (locking
 * it) and returns the last number taken. Exported so the bench's bare twin sends the very statement
 * (bench/write-twins.ts).
 */
export function bumpLiveChannelQuery(
  db: Executor,
  params: { channel: string | Placeholder; n: number | Placeholder },
) {
  return db
    .insert(liveChannels)
    .values({ channel: params.channel, lastSeq: params.n })
    .onConflictDoUpdate({
      target: liveChannels.channel,
      set: { lastSeq: sql`${liveChannels.lastSeq} + ${params.n}` },
    })
    .returning({ lastSeq: liveChannels.lastSeq });
}

/** An event row as `appendLiveEvents` inserts it, numbered. */
export type NumberedLiveEvent = Required<NewLiveEvent> & { seq: number };

/**
 * The statement of `appendLiveEvents` that inserts the numbered events, returning `liveEventColumns`.
 * Exported so the bench's bare twin sends the very statement (bench/write-twins.ts).
 */
export function insertLiveEventsQuery(db: Executor, values: Bindable<NumberedLiveEvent>[]) {
  return db.insert(liveEvents).values(values).returning(liveEventColumns);
}

/** Events of `channel` after `afterSeq`, oldest first, at most `limit`. */
export async function readLiveEvents(
  db: Executor,
  params: { channel: string; afterSeq: number; limit: number },
): Promise<LiveEventRow[]> {
  const rows = await db
    .select(liveEventColumns)
    .from(liveEvents)
    .where(and(eq(liveEvents.channel, params.channel), gt(liveEvents.seq, params.afterSeq)))
    .orderBy(asc(liveEvents.seq))
    .limit(params.limit);
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

/** The last committed number of each channel given (channels never written are absent). */
export async function liveChannelHeads(db: Executor, channels: string[]): Promise<Map<string, number>> {
  const heads = new Map<string, number>();
  if (channels.length === 0) return heads;
  const rows = await db
    .select({ channel: liveChannels.channel, lastSeq: liveChannels.lastSeq })
    .from(liveChannels)
    .where(inArray(liveChannels.channel, channels));
  for (const row of rows) heads.set(row.channel, Number(row.lastSeq));
  return heads;
}

/**
 * Empties the payload of every event of `channel` that carries content of a deleted post: those whose
 * `postKey` or `parentKey` is one of `keys`, or all content events of the channel with `all`.
 */
export async function redactLiveEvents(
  db: Executor,
  params: { channel: string; keys: string[]; all?: boolean },
): Promise<void> {
  const which = params.all
    ? sql`${liveEvents.postKey} is not null`
    : params.keys.length > 0
      ? or(inArray(liveEvents.postKey, params.keys), inArray(liveEvents.parentKey, params.keys))
      : undefined;
  if (!which) return;
  await db
    .update(liveEvents)
    .set({ payload: {}, redacted: true })
    .where(and(eq(liveEvents.channel, params.channel), eq(liveEvents.redacted, false), which));
}

/**
 * Deletes events older than `before`, and on every channel all but its newest `keep` events. Returns the
 * number deleted.
 */
export async function pruneLiveEvents(db: Executor, params: { before: Date; keep: number }): Promise<number> {
  const old = await db.delete(liveEvents).where(lt(liveEvents.createdAt, params.before)).returning({
    seq: liveEvents.seq,
  });
  const surplus = await db
    .delete(liveEvents)
    .where(
      sql`(${liveEvents.channel}, ${liveEvents.seq}) in (select e.channel, e.seq from ${liveEvents} e join ${liveChannels} c on c.channel = e.channel where e.seq <= c.last_seq - ${params.keep})`,
    )
    .returning({ seq: liveEvents.seq });
  return old.length + surplus.length;
}
