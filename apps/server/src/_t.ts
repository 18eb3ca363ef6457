import { type ApiDeps, defaultApiConfig, silentLogger } from '@devflow/api';
import { createCache } from '@devflow/cache';
import { createDb } from '@devflow/db';
import { Hono } from 'hono';
import { createApp } from './app';
import { createLogger } from './logger';

const h = await createDb({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/devflow_bench' });
const cache = createCache({ redisUrl: 'redis://127.0.0.1:6379/7' });
const env = { incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 1, remoteFamily: 'IPv4' } } };
const mk = (pageCache: boolean) =>
  createApp({
    deps: {
      db: h.db,
      dbHandle: h,
      cache,
      config: defaultApiConfig({ pageCache }),
      log: silentLogger,
    } as ApiDeps,
    log: createLogger('warn'),
    trustProxy: 0,
    webDir: '/nonexistent',
  });
const app = mk(false);
const app2 = mk(true);
const bare = new Hono();
bare.get('/x', (c) => c.json({ result: { data: { a: 1 } } }));
const url = (i: number) =>
  `http://localhost/trpc/question.byId?input=${encodeURIComponent(JSON.stringify({ id: String(101 + (i % 100)) }))}`;
const fns: [string, (i: number) => Promise<unknown>][] = [
  ['app uncached', (i) => app.request(url(i), {}, env).then((r) => r.text())],
  ['app cached', (i) => app2.request(url(i), {}, env).then((r) => r.text())],
  [
    'trpc health.check',
    () => app.request('http://localhost/trpc/health.check', {}, env).then((r) => r.text()),
  ],
  ['app /metrics', () => app.request('http://localhost/metrics', {}, env).then((r) => r.text())],
  ['bare hono', async () => (await bare.request('http://localhost/x')).text()],
];
const totals = new Map<string, number>();
const sel = fns.filter(([n]) => n === (process.env.ONLY ?? n));
for (let round = 0; round < 6; round++)
  for (const [name, fn] of sel) {
    for (let i = 0; i < 20; i++) await fn(i);
    const t = performance.now();
    for (let i = 0; i < Number(process.env.N ?? 100); i++) await fn(i);
    if (round > 0) totals.set(name, (totals.get(name) ?? 0) + (performance.now() - t) / 100);
  }
for (const [k, v] of totals) console.log(k.padEnd(20), (v / 5).toFixed(3), 'ms');
console.log((await app.request(url(1), {}, env)).status);
await h.close();
await cache.close();
