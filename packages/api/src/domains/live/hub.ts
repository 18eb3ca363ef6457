import { LIVE_LIMITS } from '@devflow/contract';
import {
  type Database,
  type LiveEventRow,
  liveChannelHeads,
  pruneLiveEvents,
  readLiveEvents,
} from '@devflow/db';
import type { Logger } from '../../deps';

/**
 * How committed events travel between server processes: Redis pub/sub with `REDIS_URL`
 * (`@devflow/cache`'s `createLivePubSub`), an in-process emitter otherwise. Messages are best effort —
 * pub/sub keeps no history — so nothing depends on them arriving: they only make delivery fast.
 */
export type LiveTransport = {
  kind: 'memory' | 'redis';
  /** Sends `message` to every process (this one included, for Redis). Rejects when it could not. */
  publish(message: string): Promise<void>;
  /** Calls `handler` with every message published by any process. */
  onMessage(handler: (message: string) => void): void;
  close(): Promise<void>;
};

/** An in-process transport: what one process publishes, it alone receives (the embedded default). */
export function memoryTransport(): LiveTransport {
  const handlers: ((message: string) => void)[] = [];
  return {
    kind: 'memory',
    publish: async (message) => {
      for (const handler of handlers) queueMicrotask(() => handler(message));
    },
    onMessage: (handler) => {
      handlers.push(handler);
    },
    close: async () => {
      handlers.length = 0;
    },
  };
}

/** Options of `createLiveHub`. */
export type LiveHubOptions = {
  db: Database;
  transport?: LiveTransport;
  log?: Logger;
  /**
   * How often the hub reads the counters of the channels it has subscribers on (the relay that backs
   * the publish after commit): the most a lost message delays an event.
   */
  pollMs?: number;
  /** How often old events are pruned (`LIVE_LIMITS`); 0 turns pruning off. */
  pruneEveryMs?: number;
  /** Recent events kept in memory per channel, so subscribers catching up rarely read the database. */
  bufferSize?: number;
};

type Channel = {
  name: string;
  /** Subscribers attached. */
  refs: number;
  /** Highest number this hub holds (contiguous: every event up to it is in the buffer or the database). */
  head: number;
  /** Resolves once `head` was read from the database. */
  ready: Promise<void>;
  loaded: boolean;
  /** A message arrived before `head` was read: catch up once it is. */
  missed: boolean;
  /** The newest events, contiguous, ending at `head`. */
  buffer: LiveEventRow[];
  /** Bumped whenever `head` moves; subscribers wait for it to change. */
  version: number;
  waiters: Set<() => void>;
  /** The catch-up read in flight, if any (one per channel at a time). */
  fetching: Promise<void> | null;
  /** The catch-up must run again after the one in flight. */
  again: boolean;
};

/** A subscriber's handle on a channel. */
export type LiveSubscription = {
  /** The last number this hub knows committed on the channel. */
  head(): number;
  /** The current version; pass it to `wait`. */
  version(): number;
  /** Events after `afterSeq` from memory, or null when memory does not reach back that far. */
  since(afterSeq: number): LiveEventRow[] | null;
  /** Resolves when the channel moved past `version`, `signal` aborted, or the hub closed. */
  wait(version: number, signal?: AbortSignal): Promise<void>;
  /** Detaches (idempotent). */
  close(): void;
};

/** The hubs opened lazily per database (tests, and apps that built no hub of their own). */
export const hubs = new WeakMap<Database, LiveHub>();

/**
 * Delivers live events within one server process. Each channel with subscribers here has ONE state: its
 * head, a short buffer of recent events and the subscribers waiting for more. Events arrive three ways,
 * all ending in "the channel's head moved": handed over by this process's writers after commit, by a
 * transport message from another process (applied directly when it continues the buffer), or by the
 * poll, which reads the committed counters of all channels held here every `pollMs` and reads the
 * backlog of those that moved. The poll is the relay that makes delivery independent of messages: a
 * writer that crashed between commit and publish, or a Redis outage, delays events by up to `pollMs`
 * and loses none. A channel costs one database read per change, whatever its number of subscribers.
 */
export class LiveHub {
  readonly db: Database;
  readonly transport: LiveTransport;
  private readonly log: Logger | undefined;
  private readonly bufferSize: number;
  private readonly channels = new Map<string, Channel>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly stopping = new AbortController();
  private readonly counts = new Map<string, number>();
  private polling = false;

  constructor(options: LiveHubOptions) {
    this.db = options.db;
    this.transport = options.transport ?? memoryTransport();
    this.log = options.log;
    this.bufferSize = options.bufferSize ?? 256;
    this.transport.onMessage((message) => this.onMessage(message));
    const poll = setInterval(() => void this.poll(), options.pollMs ?? 1000);
    poll.unref();
    this.timers.push(poll);
    const pruneEvery = options.pruneEveryMs ?? 10 * 60_000;
    if (pruneEvery > 0) {
      const prune = setInterval(() => void this.prune(), pruneEvery);
      prune.unref();
      this.timers.push(prune);
    }
  }

  /** Aborts when the hub closes (SIGTERM): every stream ends cleanly, clients reconnect elsewhere. */
  get closing(): AbortSignal {
    return this.stopping.signal;
  }

  /** Subscriptions open in this process. */
  get open(): number {
    let total = 0;
    for (const channel of this.channels.values()) total += channel.refs;
    return total;
  }

  /**
   * Counts one more stream against each of `keys` (`session:…`, `ip:…`) with its limit; returns the
   * release function, or null (nothing counted) when one of them is at its limit.
   */
  admit(keys: { key: string; limit: number }[]): (() => void) | null {
    if (keys.some(({ key, limit }) => (this.counts.get(key) ?? 0) >= limit)) return null;
    for (const { key } of keys) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const { key } of keys) {
        const left = (this.counts.get(key) ?? 1) - 1;
        if (left > 0) this.counts.set(key, left);
        else this.counts.delete(key);
      }
    };
  }

  /**
   * Attaches a subscriber to `channel`: the channel is listened to first, then its head is read, so an
   * event committed in between is either at or below the head read or arrives as a change.
   */
  async attach(name: string): Promise<LiveSubscription> {
    let channel = this.channels.get(name);
    if (!channel) {
      const created: Channel = {
        name,
        refs: 0,
        head: 0,
        ready: Promise.resolve(),
        loaded: false,
        missed: false,
        buffer: [],
        version: 0,
        waiters: new Set(),
        fetching: null,
        again: false,
      };
      created.ready = liveChannelHeads(this.db, [name]).then((heads) => {
        created.head = Math.max(created.head, heads.get(name) ?? 0);
        created.loaded = true;
        if (created.missed) this.catchUp(created);
      });
      this.channels.set(name, created);
      channel = created;
    }
    channel.refs += 1;
    const held = channel;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      held.refs -= 1;
      if (held.refs === 0 && this.channels.get(name) === held) this.channels.delete(name);
    };
    try {
      await held.ready;
    } catch (error) {
      close();
      if (this.channels.get(name) === held && !held.loaded) this.channels.delete(name);
      throw error;
    }
    return {
      head: () => held.head,
      version: () => held.version,
      since: (afterSeq) => {
        if (afterSeq >= held.head) return [];
        const first = held.buffer[0];
        if (!first || first.seq > afterSeq + 1) return null;
        return held.buffer.slice(afterSeq + 1 - first.seq);
      },
      wait: (version, signal) =>
        new Promise<void>((resolve) => {
          if (held.version !== version || signal?.aborted || this.stopping.signal.aborted) return resolve();
          const done = () => {
            held.waiters.delete(done);
            signal?.removeEventListener('abort', done);
            resolve();
          };
          // `close` wakes every waiter of every channel, so only the client's signal is listened to.
          held.waiters.add(done);
          signal?.addEventListener('abort', done, { once: true });
        }),
      close,
    };
  }

  /**
   * Events that committed in this process: delivered here at once and published to the others. A failed
   * publish is only logged — the other processes' polls find the events.
   */
  committed(rows: LiveEventRow[]): void {
    this.apply(rows);
    this.transport.publish(JSON.stringify(rows)).catch((error: unknown) => {
      this.log?.warn({ err: error }, 'live: publish failed; other processes catch up by polling');
    });
  }

  /** Stops the timers, ends every stream (SIGTERM) and closes the transport. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.stopping.abort();
    for (const channel of this.channels.values()) this.wake(channel);
    if (hubs.get(this.db) === this) hubs.delete(this.db);
    await this.transport.close();
  }

  private onMessage(message: string): void {
    let rows: LiveEventRow[];
    try {
      rows = (JSON.parse(message) as LiveEventRow[]).map((row) => ({
        ...row,
        createdAt: new Date(row.createdAt),
      }));
    } catch {
      return;
    }
    this.apply(rows);
  }

  /** Takes events in: those continuing a channel's buffer are appended, a gap makes the channel catch up. */
  private apply(rows: LiveEventRow[]): void {
    const byChannel = new Map<string, LiveEventRow[]>();
    for (const row of rows) {
      if (!this.channels.has(row.channel)) continue;
      const list = byChannel.get(row.channel) ?? [];
      list.push(row);
      byChannel.set(row.channel, list);
    }
    for (const [name, list] of byChannel) {
      const channel = this.channels.get(name);
      if (!channel) continue;
      if (!channel.loaded) {
        channel.missed = true;
        continue;
      }
      list.sort((a, b) => a.seq - b.seq);
      let moved = false;
      for (const row of list) {
        if (row.seq <= channel.head) continue;
        if (row.seq !== channel.head + 1 || channel.fetching) {
          this.catchUp(channel);
          break;
        }
        this.append(channel, [row]);
        moved = true;
      }
      if (moved) this.wake(channel);
    }
  }

  private append(channel: Channel, rows: LiveEventRow[]): void {
    for (const row of rows) {
      redactBuffered(channel.buffer, row);
      channel.buffer.push(row);
      channel.head = row.seq;
    }
    if (channel.buffer.length > this.bufferSize) {
      channel.buffer.splice(0, channel.buffer.length - this.bufferSize);
    }
  }

  private wake(channel: Channel): void {
    channel.version += 1;
    for (const waiter of [...channel.waiters]) waiter();
  }

  /** Reads the channel's committed events after its head (one read at a time per channel). */
  private catchUp(channel: Channel): void {
    if (channel.fetching) {
      channel.again = true;
      return;
    }
    channel.fetching = (async () => {
      try {
        do {
          channel.again = false;
          for (;;) {
            const rows = await readLiveEvents(this.db, {
              channel: channel.name,
              afterSeq: channel.head,
              limit: 500,
            });
            const first = rows[0];
            if (!first) break;
            if (first.seq !== channel.head + 1) {
              // Pruned past the head: start the buffer afresh; subscribers behind it are told to reload.
              channel.buffer = [];
            }
            this.append(channel, rows);
            this.wake(channel);
            if (rows.length < 500) break;
          }
        } while (channel.again);
      } catch (error) {
        this.log?.warn({ err: error }, 'live: reading the backlog failed; the next poll retries');
      } finally {
        channel.fetching = null;
      }
    })();
  }

  /** The relay: reads the committed counters of every channel held here; those ahead of the hub catch up. */
  private async poll(): Promise<void> {
    if (this.polling || this.channels.size === 0) return;
    this.polling = true;
    try {
      const names = [...this.channels.keys()];
      for (let i = 0; i < names.length; i += 1000) {
        const heads = await liveChannelHeads(this.db, names.slice(i, i + 1000));
        for (const [name, head] of heads) {
          const channel = this.channels.get(name);
          if (channel?.loaded && head > channel.head) this.catchUp(channel);
        }
      }
    } catch (error) {
      this.log?.warn({ err: error }, 'live: polling the channels failed; retrying');
    } finally {
      this.polling = false;
    }
  }

  private async prune(): Promise<void> {
    try {
      await pruneLiveEvents(this.db, {
        before: new Date(Date.now() - LIVE_LIMITS.retentionMs),
        keep: LIVE_LIMITS.keepPerChannel,
      });
    } catch (error) {
      this.log?.warn({ err: error }, 'live: pruning old events failed');
    }
  }
}

/**
 * A deletion (or a post hidden pending review) arriving in memory forgets the content of what it deletes in the buffer too, as
 * `redactLiveEvents` does in the database (subscribers catching up from memory see no more than from it).
 */
function redactBuffered(buffer: LiveEventRow[], row: LiveEventRow): void {
  const payload = row.payload;
  const key =
    row.type === 'answer.deleted'
      ? `answer:${String(payload.answerId)}`
      : row.type === 'reply.deleted'
        ? `reply:${String(payload.replyId)}`
        : row.type === 'post.hidden' && payload.targetType !== 'question'
          ? `${String(payload.targetType)}:${String(payload.targetId)}`
          : null;
  const all =
    row.type === 'question.deleted' || (row.type === 'post.hidden' && payload.targetType === 'question');
  if (!key && !all) return;
  for (const [index, old] of buffer.entries()) {
    if (old.redacted || old.postKey === null) continue;
    if (all || old.postKey === key || old.parentKey === key) {
      buffer[index] = { ...old, payload: {}, redacted: true };
    }
  }
}

/**
 * The hub serving `db` in this process: `deps.live` when the app built one, otherwise one opened on first
 * use (in-process transport) and shared by everything using the same database object.
 */
export function liveHubFor(deps: { db: Database; live?: LiveHub | undefined }): LiveHub {
  if (deps.live) return deps.live;
  let hub = hubs.get(deps.db);
  if (!hub) {
    hub = new LiveHub({ db: deps.db });
    hubs.set(deps.db, hub);
  }
  return hub;
}
