import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRouter } from '@devflow/api';
import { createTRPCClient, httpSubscriptionLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, spawnServer } from './testing/child-server';
import { ok, postQuestion, register, type SignedUp } from './testing/flows';
import { bodyOf, type Received } from './testing/live-client';

/**
 * `LIVE_MAX_DURATION_MS`: the server ends every live stream after that long (tRPC's `sse.maxDurationMs`,
 * set in `packages/api/src/trpc/procedures.ts`), and the published `@trpc/client` subscription link
 * reconnects by itself with its last event id. A short duration here; the real server in a child process.
 */
const MAX_DURATION_MS = 1500;

let server: ChildServer;
let dataDir = '';
let asker: SignedUp;
let writer: SignedUp;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'devflow-live-duration-'));
  server = await spawnServer(
    { DATA_DIR: dataDir, LIVE_MAX_DURATION_MS: String(MAX_DURATION_MS) },
    { timeoutMs: 150_000 },
  );
  asker = await register(server.url, 'duration_asker');
  writer = await register(server.url, 'duration_writer');
});

afterAll(async () => {
  server?.kill();
  await server?.exited;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const answerOn = (questionId: string, body: string) =>
  ok(server.url, 'answer.create', 'mutation', { questionId, body }, writer.token);

/** Waits (with a deadline) until `check` holds. */
async function until(check: () => boolean, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a live stream that reaches LIVE_MAX_DURATION_MS', () => {
  it('is ended by the server; the client link reconnects with its last id and gets what was posted meanwhile, once', async () => {
    const questionId = await postQuestion(server.url, asker.token, 'Does a capped stream miss anything?');
    // Every connection the link opens, and a gate that holds the second one until the answers are posted:
    // they are written while this client has no stream at all.
    const connections: { url: string; lastEventId: string | null; at: number }[] = [];
    let openGate: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const client = createTRPCClient<AppRouter>({
      links: [
        httpSubscriptionLink({
          url: `${server.url}/trpc`,
          EventSource,
          eventSourceOptions: () => ({
            fetch: async (input, init) => {
              const lastEventId = new Headers(init?.headers).get('last-event-id');
              connections.push({ url: String(input), lastEventId, at: Date.now() });
              if (connections.length === 2) await gate;
              return fetch(input, init);
            },
          }),
        }),
      ],
    });
    const events: Received[] = [];
    const errors: unknown[] = [];
    let started = 0;
    const subscription = client.live.question.subscribe(
      { questionId },
      {
        onStarted: () => {
          started += 1;
        },
        onData: (envelope) => events.push({ id: envelope.id, event: envelope.data, at: Date.now() }),
        onError: (error) => errors.push(error),
      },
    );
    try {
      // Seen live on the first stream, once it is open.
      await until(() => started === 1, 'the first stream');
      await answerOn(questionId, 'The first answer, seen on the first stream.');
      await until(() => events.length === 1, 'the first answer');
      const firstId = events[0]?.id ?? '';

      // The server ends the stream after MAX_DURATION_MS; the link starts a second connection by itself.
      await until(() => connections.length === 2, 'the reconnect after the server ended the stream');
      const [first, second] = connections;
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(MAX_DURATION_MS - 50);
      // It resumes from the last event it had: EventSource's `Last-Event-ID` header, or tRPC's input field.
      const resumed: unknown = JSON.parse(new URL(second?.url ?? '').searchParams.get('input') ?? '{}');
      const inInput = typeof resumed === 'object' && resumed ? Reflect.get(resumed, 'lastEventId') : null;
      expect(second?.lastEventId ?? inInput).toBe(firstId);

      // Posted while the client has no stream.
      for (const n of [2, 3, 4]) await answerOn(questionId, `Answer ${n}, posted while the client was away.`);
      openGate();
      await until(() => events.length >= 4, 'the answers posted while away');
      // Another full cycle, to see nothing arrives twice once the stream has been replaced again.
      await until(() => connections.length >= 3, 'the second server-side end');
      await answerOn(questionId, 'Answer 5, after the second reconnect.');
      await until(() => events.length >= 5, 'the answer after the second reconnect');
      await new Promise((resolve) => setTimeout(resolve, 500));

      expect(errors).toEqual([]);
      expect(events.map((received) => bodyOf(received.event))).toEqual([
        'The first answer, seen on the first stream.',
        'Answer 2, posted while the client was away.',
        'Answer 3, posted while the client was away.',
        'Answer 4, posted while the client was away.',
        'Answer 5, after the second reconnect.',
      ]);
      const ids = events.map((received) => Number(received.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      openGate();
      subscription.unsubscribe();
    }
  });
});
