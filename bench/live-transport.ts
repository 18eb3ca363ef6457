/**
 * The SSE transport alone, in one run: the same N `live.question` streams held by the app with the SSE
 * fast path (apps/server/src/trpc-sse-fast-path.ts, the default) and with tRPC's stock fetch adapter
 * (`trpcFastPath: false`): V8 heap and RSS per stream after full GCs, and the server's CPU to deliver ten
 * answers to all of them. In process on the embedded database, so it isolates the transport; bench/live.ts
 * measures the production shape (PostgreSQL + Redis, separate load generators).
 *
 *   node --expose-gc --import tsx bench/live-transport.ts        (LIVE_TRANSPORT_N streams, default 3,000)
 *
 * The streams come from a bench/live-load.ts process, as in bench/live.ts.
 */
import { createTestDeps } from '@devflow/api/testing';
import { createApp } from '../apps/server/src/app';
import { startHttpServer } from '../apps/server/src/http-server';
import { createLogger } from '../apps/server/src/logger';
import { Generator } from './live';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One side: a server, N streams, memory per stream, CPU for ten answers delivered to all. */
async function measure(fastPath: boolean, count: number) {
  const deps = await createTestDeps({
    rateLimits: {
      writes: { points: 1e9, durationSeconds: 60 },
      register: { points: 1e9, durationSeconds: 60 },
    },
  } as Parameters<typeof createTestDeps>[0]);
  const log = createLogger('silent');
  const app = createApp({ deps: { ...deps, log }, log, trustProxy: 1, webDir: '/x', trpcFastPath: fastPath });
  const server = await startHttpServer(app, '127.0.0.1', 0);
  const post = async (path: string, input: unknown, token?: string) => {
    const response = await fetch(`${server.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input),
    });
    return ((await response.json()) as { result: { data: { id: string; token: string } } }).result.data;
  };
  const { token } = await post('auth.register', {
    email: 'transport@example.com',
    username: 'transport',
    password: 'a long enough passphrase 42',
  });
  const question = await post(
    'question.create',
    { title: 'How much does one live stream cost?', body: 'Hold many and measure.', tags: ['node'] },
    token,
  );
  const gc = Reflect.get(globalThis, 'gc');
  if (typeof gc !== 'function') throw new Error('run with --expose-gc');
  const settled = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await sleep(300);
    }
    return process.memoryUsage();
  };
  // Raw SSE streams from a load generator process (bench/live-load.ts), each a distinct visitor.
  const generator = Generator.start();
  const open = async (count: number, firstClient: number) =>
    (
      await generator.ask<'opened'>({
        op: 'open',
        url: server.url,
        questionId: question.id,
        count,
        firstClient,
      })
    ).open;
  // Warm every path (a few streams and an answer) before the baseline.
  await open(50, 0);
  await post(
    'answer.create',
    { questionId: question.id, body: 'A first answer, to warm every path.' },
    token,
  );
  await generator.ask<'closed'>({ op: 'close' });
  await sleep(1000);
  const before = await settled();
  const streams = await open(count, 50);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 10; i++) {
    await post(
      'answer.create',
      { questionId: question.id, body: `Answer ${i}, sent to every stream.` },
      token,
    );
    await sleep(300);
  }
  const cpu = process.cpuUsage(cpu0);
  const after = await settled();
  await generator.stop();
  await server.stop(1000);
  await deps.close();
  return {
    open: streams,
    heapKb: (after.heapUsed - before.heapUsed) / streams / 1024,
    rssKb: (after.rss - before.rss) / streams / 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

const count = Number(process.env.LIVE_TRANSPORT_N ?? 3000);
for (const fastPath of [true, false]) {
  const r = await measure(fastPath, count);
  process.stdout.write(
    `${fastPath ? 'SSE fast path      ' : "tRPC's fetch adapter"}: ${r.open} streams, V8 heap ${r.heapKb.toFixed(1)} KB and RSS ${r.rssKb.toFixed(1)} KB each; ten answers delivered to all: ${r.cpuMs.toFixed(0)} ms of server CPU\n`,
  );
}
process.exit(0);
