import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyPostgresDatabase } from '@devflow/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, spawnServer } from './testing/child-server';
import { ok, postQuestion, register, type SignedUp } from './testing/flows';
import { bodyOf, watchQuestion } from './testing/live-client';
import { type PrivateService, startPrivateRedis } from './testing/private-services';

/**
 * Live updates through the real server (`src/main.ts` in child processes, the Hono `/trpc` mount) and
 * the published `@trpc/client` subscription link. On PostgreSQL (`DATABASE_URL` set) two server
 * processes share the database and a private `redis-server`, and subscribers sit on the other process
 * than the writers; on the embedded default one process plays both parts. A Redis outage and SIGTERM
 * are in `faults/live.fault.test.ts`.
 */
const twoProcesses = Boolean(process.env.DATABASE_URL);

let a: ChildServer;
let b: ChildServer;
let redis: PrivateService | null = null;
let dropDb: (() => Promise<void>) | null = null;
let dataDir = '';
let asker: SignedUp;
let writers: SignedUp[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'devflow-live-'));
  const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  if (twoProcesses) {
    const empty = await createEmptyPostgresDatabase();
    if (!empty) throw new Error('DATABASE_URL is set but no database was created');
    dropDb = empty.drop;
    redis = await startPrivateRedis();
    env.DATABASE_URL = empty.url;
    env.REDIS_URL = redis.url;
  }
  // A busy two-core machine can take a while to start a server (tsx, migrations, PGlite).
  a = await spawnServer(env, { timeoutMs: 150_000 });
  b = twoProcesses ? await spawnServer(env, { timeoutMs: 150_000 }) : a;
  asker = await register(a.url, 'live_asker');
  writers = [];
  for (let i = 0; i < 8; i++) writers.push(await register(i % 2 === 0 ? a.url : b.url, `live_writer_${i}`));
});

afterAll(async () => {
  for (const server of new Set([a, b])) {
    server?.kill();
    await server?.exited;
  }
  await redis?.destroy();
  await dropDb?.();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const answerOn = (url: string, token: string, questionId: string, body: string) =>
  ok(url, 'answer.create', 'mutation', { questionId, body }, token);
const replyOn = (url: string, token: string, questionId: string, body: string) =>
  ok(url, 'reply.create', 'mutation', { targetType: 'question', targetId: questionId, body }, token);

describe(`live.question over SSE (${twoProcesses ? 'two processes, PostgreSQL + Redis' : 'one process, embedded'})`, () => {
  it('an answer posted on A reaches a subscriber on B within a second', async () => {
    const questionId = await postQuestion(a.url, asker.token, 'Does an answer on A reach B at once?');
    const watch = watchQuestion(b.url, questionId);
    await watch.started;
    const writer = writers[0] as SignedUp;
    const posted = Date.now();
    await answerOn(a.url, writer.token, questionId, 'An answer written on server A for server B.');
    const [first] = await watch.receive(1);
    expect(first?.event.type).toBe('answer.created');
    expect(first ? bodyOf(first.event) : '').toBe('An answer written on server A for server B.');
    expect((first?.at ?? Number.POSITIVE_INFINITY) - posted).toBeLessThan(1000);
    watch.stop();
  });

  it('a client that was away while three replies were posted gets exactly those three on reconnect', async () => {
    const questionId = await postQuestion(a.url, asker.token, 'What does a client miss while away?');
    const writer = writers[1] as SignedUp;
    const first = watchQuestion(b.url, questionId);
    await first.started;
    await replyOn(a.url, writer.token, questionId, 'seen live');
    const [seen] = await first.receive(1);
    first.stop();
    for (const body of ['missed one', 'missed two', 'missed three']) {
      await replyOn(a.url, writer.token, questionId, body);
    }
    const again = watchQuestion(b.url, questionId, seen?.id);
    await again.receive(3);
    await replyOn(b.url, writer.token, questionId, 'live again');
    const events = await again.receive(4);
    expect(events.map(({ event }) => bodyOf(event))).toEqual([
      'missed one',
      'missed two',
      'missed three',
      'live again',
    ]);
    again.stop();
  });

  it("never sends a deleted answer's body to anonymous subscribers, even on replay", async () => {
    const questionId = await postQuestion(a.url, asker.token, 'Is a deleted answer forgotten live too?');
    const writer = writers[2] as SignedUp;
    const secret = 'A secret answer that its author deletes right away.';
    const created = await answerOn(a.url, writer.token, questionId, secret);
    const answerId = String((created as { id: string }).id);
    await ok(a.url, 'answer.delete', 'mutation', { id: answerId }, writer.token);
    const watch = watchQuestion(b.url, questionId, '0');
    const [event] = await watch.receive(1);
    expect(event?.event).toMatchObject({ type: 'answer.deleted', answerId, answerCount: 0 });
    // A later event proves nothing else was queued before it.
    await replyOn(a.url, writer.token, questionId, 'after the deletion');
    const events = await watch.receive(2);
    expect(events.map(({ event }) => event.type)).toEqual(['answer.deleted', 'reply.created']);
    expect(JSON.stringify(events)).not.toContain('secret answer');
    watch.stop();
  });

  it('8 concurrent writers on both processes: every subscriber gets every event once, in order', async () => {
    const questionId = await postQuestion(a.url, asker.token, 'Who wins when eight writers race?');
    const watches = [a.url, b.url, a.url, b.url].map((url) => watchQuestion(url, questionId));
    await Promise.all(watches.map((watch) => watch.started));
    const perWriter = 5;
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let i = 0; i < perWriter; i++) {
          await replyOn(w % 2 === 0 ? a.url : b.url, writer.token, questionId, `writer ${w} reply ${i}`);
        }
      }),
    );
    const total = writers.length * perWriter;
    const sequences = [];
    for (const watch of watches) {
      const events = await watch.receive(total);
      const ids = events.map(({ id }) => Number(id));
      expect(ids).toEqual(Array.from({ length: total }, (_, i) => (ids[0] ?? 0) + i));
      expect(new Set(events.map(({ event }) => bodyOf(event))).size).toBe(total);
      sequences.push(events.map(({ id, event }) => `${id}:${bodyOf(event)}`));
      watch.stop();
    }
    for (const sequence of sequences) expect(sequence).toEqual(sequences[0]);
  });
});
