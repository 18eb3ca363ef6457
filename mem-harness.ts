import { fork } from 'node:child_process';
import { writeHeapSnapshot } from 'node:v8';
import { createTestDeps } from '@devflow/api/testing';
import { createApp } from './apps/server/src/app';
import { startHttpServer } from './apps/server/src/http-server';
import { createLogger } from './apps/server/src/logger';

const N = Number(process.env.N ?? 3000);
const deps = await createTestDeps({
  rateLimits: {
    writes: { points: 1e9, durationSeconds: 60 },
    register: { points: 1e9, durationSeconds: 60 },
  },
} as never);
const log = createLogger('silent');
const s = await startHttpServer(
  createApp({ deps: { ...deps, log }, log, trustProxy: 1, webDir: '/x' }),
  '127.0.0.1',
  0,
);
const post = async (path: string, input: unknown, token?: string) => {
  const r = await fetch(`${s.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  return ((await r.json()) as { result: { data: { id: string; token: string } } }).result.data;
};
const { token } = await post('auth.register', {
  email: 'm@example.com',
  username: 'memtest',
  password: 'a long enough passphrase 42',
});
const q = await post(
  'question.create',
  { title: 'How much memory does a stream take?', body: 'Measure it with a heap snapshot.', tags: ['node'] },
  token,
);
await post('answer.create', { questionId: q.id, body: 'A first answer, to warm every path.' }, token);
const gc = Reflect.get(globalThis, 'gc') as () => void;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 300));
  }
  return process.memoryUsage();
};
// warm up with a few streams
const warm = fork('/tmp/mem/load.mjs', [s.url, q.id, '50']);
await new Promise((r) => warm.once('message', r));
warm.kill();
await new Promise((r) => setTimeout(r, 1000));
const before = await settle();
if (process.env.SNAP) writeHeapSnapshot('/tmp/mem/before.heapsnapshot');
const child = fork('/tmp/mem/load.mjs', [s.url, q.id, String(N)]);
const { open } = (await new Promise((r) => child.once('message', r))) as { open: number };
await post('answer.create', { questionId: q.id, body: 'A second answer, sent to every stream.' }, token);
await new Promise((r) => setTimeout(r, 2000));
const after = await settle();
const per = (k: 'rss' | 'heapUsed' | 'external') => ((after[k] - before[k]) / open / 1024).toFixed(2);
console.log(
  `open ${open}: rss ${per('rss')} KB, heap ${per('heapUsed')} KB, external ${per('external')} KB per stream`,
);
if (process.env.SNAP) writeHeapSnapshot('/tmp/mem/after.heapsnapshot');
child.kill();
process.exit(0);
