import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, spawnServer } from '../testing/child-server';
import { ok, postQuestion, register, type SignedUp } from '../testing/flows';
import { bodyOf, watchQuestion } from '../testing/live-client';
import { type PrivateService, startPrivatePostgres, startPrivateRedis } from '../testing/private-services';

/**
 * Live updates across two server processes (`src/main.ts`) on a private PostgreSQL and a private
 * `redis-server`: Redis stopped and started mid-stream loses nothing, and SIGTERM ends open streams
 * cleanly instead of waiting out the grace period.
 */
let pg: PrivateService;
let redis: PrivateService;
let a: ChildServer;
let b: ChildServer;
let dataDir = '';
let asker: SignedUp;
let writer: SignedUp;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  dataDir = mkdtempSync(join(tmpdir(), 'devflow-live-fault-'));
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: pg.url, REDIS_URL: redis.url };
  a = await spawnServer(env, { timeoutMs: 110_000 });
  b = await spawnServer(env, { timeoutMs: 110_000 });
  asker = await register(a.url, 'live_fault_asker');
  writer = await register(a.url, 'live_fault_writer');
});

afterAll(async () => {
  for (const server of [a, b]) {
    server?.kill();
    await server?.exited;
  }
  await Promise.allSettled([pg?.destroy(), redis?.destroy()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const replyOn = (url: string, questionId: string, body: string) =>
  ok(url, 'reply.create', 'mutation', { targetType: 'question', targetId: questionId, body }, writer.token);

describe('live updates through faults', () => {
  it('Redis stopped and started mid-stream: the subscriber on the other process misses nothing', async () => {
    const questionId = await postQuestion(a.url, asker.token, 'What happens to events when Redis dies?');
    const watch = watchQuestion(b.url, questionId);
    await watch.started;
    await replyOn(a.url, questionId, 'before the outage');
    await watch.receive(1);
    await redis.stop();
    await replyOn(a.url, questionId, 'during the outage 1');
    await replyOn(a.url, questionId, 'during the outage 2');
    await watch.receive(3);
    await redis.start();
    await replyOn(a.url, questionId, 'after the outage');
    const events = await watch.receive(4);
    expect(events.map(({ event }) => bodyOf(event))).toEqual([
      'before the outage',
      'during the outage 1',
      'during the outage 2',
      'after the outage',
    ]);
    watch.stop();
  });

  it('SIGTERM ends open streams at once and the process exits cleanly', async () => {
    const questionId = await postQuestion(a.url, asker.token, 'Does a shutdown wait for live streams?');
    const watches = [watchQuestion(b.url, questionId), watchQuestion(b.url, questionId)];
    await Promise.all(watches.map((watch) => watch.started));
    const sent = Date.now();
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    // Well inside the server's 10-second grace period: the streams did not hold the shutdown open.
    expect(Date.now() - sent).toBeLessThan(8000);
    for (const watch of watches) watch.stop();
  });
});
