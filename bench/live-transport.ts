/**
 * The SSE transport alone, in one run: the same N `live.question` streams held by the app with the SSE
 * fast path (apps/server/src/trpc-sse-fast-path.ts, the default) and with tRPC's stock fetch adapter
 * (`trpcFastPath: false`): V8 heap and RSS per stream after full GCs, and the server's CPU to deliver ten
 * answers to all of them. In process on the embedded database, so it isolates the transport; bench/live.ts
 * measures the production shape (PostgreSQL + Redis, separate load generators).
 *
 *   node --expose-gc --import tsx bench/live-transport.ts        (LIVE_TRANSPORT_N streams, default 3,000)
 */
import { type ChildProcess, fork } from 'node:child_process';
import { Agent, get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createTestDeps } from '@devflow/api/testing';
import { createApp } from '../apps/server/src/app';
import { startHttpServer } from '../apps/server/src/http-server';
import { createLogger } from '../apps/server/src/logger';

const here = fileURLToPath(import.meta.url);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Child mode: opens `count` streams one after another (each a distinct visitor) and keeps them open. */
async function openStreams(url: string, questionId: string, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  let open = 0;
  const input = encodeURIComponent(JSON.stringify({ questionId }));
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve) => {
      const request = get(
        `${url}/trpc/live.question?input=${input}`,
        {
          agent,
          headers: {
            accept: 'text/event-stream',
            'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          },
        },
        (response) => {
          response.once('data', () => {
            open += 1;
            resolve();
          });
          response.resume();
        },
      );
      request.on('error', () => resolve());
    });
  }
  process.send?.({ open });
  setInterval(() => undefined, 1 << 30);
}

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
  const spawn = (n: number) => fork(here, ['open', server.url, question.id, String(n)]);
  const opened = (child: ChildProcess) =>
    new Promise<number>((resolve) => child.once('message', (m) => resolve((m as { open: number }).open)));
  // Warm every path (a few streams and an answer) before the baseline.
  const warm = spawn(50);
  await opened(warm);
  await post(
    'answer.create',
    { questionId: question.id, body: 'A first answer, to warm every path.' },
    token,
  );
  warm.kill();
  await sleep(1000);
  const before = await settled();
  const child = spawn(count);
  const open = await opened(child);
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
  child.kill();
  await server.stop(1000);
  await deps.close();
  return {
    open,
    heapKb: (after.heapUsed - before.heapUsed) / open / 1024,
    rssKb: (after.rss - before.rss) / open / 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

if (process.argv[2] === 'open') {
  await openStreams(process.argv[3] ?? '', process.argv[4] ?? '', Number(process.argv[5]));
} else {
  const count = Number(process.env.LIVE_TRANSPORT_N ?? 3000);
  for (const fastPath of [true, false]) {
    const r = await measure(fastPath, count);
    process.stdout.write(
      `${fastPath ? 'SSE fast path      ' : "tRPC's fetch adapter"}: ${r.open} streams, V8 heap ${r.heapKb.toFixed(1)} KB and RSS ${r.rssKb.toFixed(1)} KB each; ten answers delivered to all: ${r.cpuMs.toFixed(0)} ms of server CPU\n`,
    );
  }
  process.exit(0);
}
