import { Redis } from 'ioredis';

/** A publish/subscribe channel between server processes (the shape `@devflow/api`'s live hub takes). */
export type PubSub = {
  kind: 'memory' | 'redis';
  /** Sends `message` to every subscriber, this process's included. Rejects when Redis is unreachable. */
  publish(message: string): Promise<void>;
  /** Calls `handler` with every message. */
  onMessage(handler: (message: string) => void): void;
  close(): Promise<void>;
};

/**
 * Redis pub/sub on `channel`: one connection publishes (offline queue off, so a publish during an
 * outage fails at once instead of piling up), a second one subscribes and re-subscribes by itself after
 * a reconnect. Pub/sub keeps no history — what is published while a subscriber is away is lost to it —
 * so callers must be able to catch up by other means (the live hub polls PostgreSQL).
 */
export function createRedisPubSub(options: { url: string; channel: string }): PubSub {
  const common = {
    connectTimeout: 2000,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  };
  const publisher = new Redis(options.url, {
    ...common,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
  });
  // The subscriber keeps its offline queue: SUBSCRIBE waits for the first connection, and ioredis
  // subscribes again after every reconnect.
  const subscriber = new Redis(options.url, { ...common, autoResubscribe: true, maxRetriesPerRequest: null });
  publisher.on('error', () => {});
  subscriber.on('error', () => {});
  const handlers: ((message: string) => void)[] = [];
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== options.channel) return;
    for (const handler of handlers) handler(message);
  });
  const ready = publisher.connect().catch(() => undefined);
  subscriber.subscribe(options.channel).catch(() => undefined);
  return {
    kind: 'redis',
    publish: async (message) => {
      await ready;
      await publisher.publish(options.channel, message);
    },
    onMessage: (handler) => {
      handlers.push(handler);
    },
    close: async () => {
      handlers.length = 0;
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}
