/**
 * `pnpm bench [--quick] [--keep] [--reuse] [--only=<substring>] [--pool=<n>]`
 *
 * Creates a dedicated PostgreSQL database (`devflow_bench` on `DATABASE_URL`'s server, default
 * postgres://postgres@127.0.0.1:5432), seeds it, starts the real server twice (page cache on, page cache
 * off) and the bare baseline server, drives every scenario with autocannon in a separate process at 1,
 * 16 and 64 connections, prints the ratios against their targets and writes bench/RESULTS.md.
 * `--reuse` keeps an already seeded database (same mode), `--keep` does not drop it afterwards.
 */
import { cpus, totalmem } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { createRedisCache } from '@devflow/cache';
import { seedLandmarks } from '@devflow/db/seed';
import postgres from 'postgres';
import type { CannonRequest, LevelResult } from './cannon';
import { benchDatabase, dropBenchDatabase, recreateBenchDatabase } from './database';
import { explainAll } from './explain';
import { type LoadOptions, type RunningProcess, runLoad, startProcess } from './processes';
import { type Ratio, writeResults } from './report';
import { FULL_PLAN, QUICK_PLAN, SEARCH_TERMS, seedBench } from './seed';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');
const reuse = args.includes('--reuse');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const withCluster = args.includes('--cluster');
const poolSize = Number(args.find((a) => a.startsWith('--pool='))?.slice('--pool='.length) ?? 10);
const size = quick ? QUICK_PLAN : FULL_PLAN;
const landmarks = seedLandmarks(size);
const BIG_THREAD_QUESTION = landmarks.bigThread;
const SMALL_THREAD_QUESTION = landmarks.sideThreads[0] ?? landmarks.bigThread;
const CHAIN_QUESTION = landmarks.chains[0] ?? landmarks.bigThread;
const load: LoadOptions = quick
  ? { levels: [1, 16, 64], duration: 1, warmup: 0, timeout: 30 }
  : { levels: [1, 16, 64], duration: 8, warmup: 2, timeout: 60 };
/** Heavy scenarios (whole 100k-reply threads) get longer runs so that enough requests complete. */
const heavyLoad: LoadOptions = { ...load, duration: quick ? 2 : 15, warmup: quick ? 0 : 2 };

const log = (line: string) => process.stdout.write(`${line}\n`);
const target = benchDatabase(process.env.DATABASE_URL);
const redisBase = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Bench keys go to their own Redis database index so they never meet other users of the server. */
const redisUrl = `${redisBase.replace(/\/\d*$/, '')}/7`;
const PASSWORD = 'bench-Password-2024!';
const BENCH_USERS = 64;
const HOT_IDS = Array.from({ length: 100 }, (_, i) => 101 + i);

/** One measured scenario. */
export type ScenarioResult = { name: string; server: string; levels: LevelResult[]; note?: string };

const results: ScenarioResult[] = [];
const started = new Date();
const t0 = performance.now();

const get = (path: string, input: unknown, headers?: Record<string, string>): CannonRequest => ({
  method: 'GET',
  path: `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
  ...(headers ? { headers } : {}),
});
const post = (path: string, input: unknown, headers?: Record<string, string>): CannonRequest => ({
  method: 'POST',
  path: `/trpc/${path}`,
  body: JSON.stringify(input),
  ...(headers ? { headers } : {}),
});

async function call<T>(base: string, request: CannonRequest): Promise<T> {
  const response = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers: { 'content-type': 'application/json', ...request.headers },
    ...(request.body ? { body: request.body } : {}),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(
      `${request.method} ${request.path.slice(0, 80)} → ${response.status} ${text.slice(0, 300)}`,
    );
  return (JSON.parse(text) as { result: { data: T } }).result.data;
}

/** One scenario: a name, the server it runs against, and the requests sent round-robin. */
type Scenario = { name: string; server: RunningProcess; requests: CannonRequest[] };

/**
 * Measures scenarios at every connection level. Scenarios measured together (a comparison) alternate
 * within each level, so that noise from other work on the machine hits them alike.
 */
async function measureTogether(scenarios: Scenario[], options = load) {
  if (only && !scenarios.some((s) => s.name.includes(only))) return;
  const ready: Scenario[] = [];
  for (const scenario of scenarios) {
    try {
      // One request first: a scenario whose procedure is missing or failing is reported, not measured.
      const [first] = scenario.requests;
      if (first) await call(scenario.server.url, first);
      ready.push(scenario);
    } catch (error) {
      results.push({
        name: scenario.name,
        server: scenario.server.url,
        levels: [],
        note: String(error).slice(0, 300),
      });
      log(`  ${scenario.name.padEnd(44)} UNAVAILABLE: ${String(error).slice(0, 200)}`);
    }
  }
  if (ready.length === 0) return;
  const rounds = ready.length > 1 ? (quick ? 2 : 4) : 1;
  const levels = await runLoad(
    ready.map((s) => ({ url: s.server.url, requests: s.requests, pid: s.server.child.pid })),
    options,
    rounds,
  );
  for (const [i, scenario] of ready.entries()) {
    const mine = levels.filter((l) => l.target === i);
    results.push({ name: scenario.name, server: scenario.server.url, levels: mine });
    const cells = mine.map((l) => `${l.connections}c ${l.rps.toFixed(0)} rps p50 ${l.p50} p99 ${l.p99}`);
    const bad = mine.reduce((n, l) => n + l.non2xx + l.errors + l.timeouts, 0);
    log(`  ${scenario.name.padEnd(44)} ${cells.join(' | ')}${bad > 0 ? `  (${bad} failed)` : ''}`);
  }
}

/** Measures one scenario on its own. */
function measure(name: string, server: RunningProcess, requests: CannonRequest[], options = load) {
  return measureTogether([{ name, server, requests }], options);
}

async function main() {
  log(`DevFlow bench (${quick ? 'quick' : 'full'}) on ${target.url}`);
  const sql = postgres(target.url, { max: 4, onnotice: () => {} });
  let seedSeconds = 0;
  const seeded = reuse
    ? await sql`select count(*)::int as n from questions`.then(
        ([row]) => (row?.n ?? 0) === size.questions,
        () => false,
      )
    : false;
  if (!seeded) {
    await sql.end();
    await recreateBenchDatabase(target);
    seedSeconds = await seedBench(target.url, size, log);
  }
  const db = seeded ? sql : postgres(target.url, { max: 4, onnotice: () => {} });
  const redis = createRedisCache({ url: redisUrl, prefix: '' });
  await redis.ping();
  if (redis.redis) await redis.redis.flushdb();

  const serverEnv = {
    DATABASE_URL: target.url,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    DB_POOL_SIZE: String(poolSize),
    DATA_DIR: '/tmp/devflow-bench-data',
    // Load comes from one IP and few accounts: the rate limits would measure themselves.
    RATE_LIMITS: JSON.stringify({
      loginAccountIp: { points: 1e9, durationSeconds: 60 },
      loginIp: { points: 1e9, durationSeconds: 60 },
      register: { points: 1e9, durationSeconds: 60 },
      writes: { points: 1e9, durationSeconds: 60 },
    }),
  };
  const servers: RunningProcess[] = [];
  try {
    // Started together; each is recorded as soon as it is up, so that `finally` stops whatever started.
    const start = async (script: string, port: number, env: Record<string, string>) => {
      const server = await startProcess(script, port, env);
      servers.push(server);
      return server;
    };
    const [main, uncached, bare] = await Promise.all([
      start('apps/server/src/main.ts', 3901, { ...serverEnv, CACHE_PAGES: 'on' }),
      start('apps/server/src/main.ts', 3902, { ...serverEnv, CACHE_PAGES: 'off' }),
      start('bench/baseline-server.ts', 3903, {
        DATABASE_URL: target.url,
        REDIS_URL: redisUrl,
        DB_POOL_SIZE: String(poolSize),
      }),
    ]);
    log(`servers up (${((performance.now() - t0) / 1000).toFixed(0)} s)`);

    // Bench accounts (registered through the API, so their passwords and sessions are real).
    const tokens: string[] = [];
    const suffix = Date.now().toString(36);
    for (let i = 0; i < BENCH_USERS; i += 1) {
      try {
        const out = await call<{ token: string }>(
          main.url,
          post('auth.register', {
            email: `bench${i}-${suffix}@bench.test`,
            username: `bench${i}_${suffix}`,
            password: PASSWORD,
          }),
        );
        tokens.push(out.token);
      } catch (error) {
        log(`  registration unavailable: ${String(error).slice(0, 160)}`);
        if (main.child.exitCode !== null) log(`  main server exited: ${main.stderr().slice(-1500)}`);
        break;
      }
    }
    const auth = (i: number) => ({ authorization: `Bearer ${tokens[i % Math.max(tokens.length, 1)] ?? ''}` });
    const [feedUser] =
      tokens.length > 0 ? await db`select id from users where username = ${`bench0_${suffix}`}` : [];
    if (feedUser) {
      await db`insert into follows (follower_id, followee_id) select ${feedUser.id}, g from generate_series(1, 1000) g on conflict do nothing`;
    }

    // The page-1000 cursor (20 per page), by walking the keyset pages as a client would — 100 rows at a
    // time: the cursor after row 19,980 is the same whatever the page size that reached it.
    let cursor: string | null = null;
    let page1000: { at: string; id: number } | null = null;
    try {
      let walked = 0;
      while (walked < 999 * 20) {
        const limit = Math.min(100, 999 * 20 - walked);
        const data: { items: { id: string; createdAt: string }[]; nextCursor: string | null } = await call(
          main.url,
          get('question.list', { sort: 'newest', limit, ...(cursor ? { cursor } : {}) }),
        );
        walked += data.items.length;
        cursor = data.nextCursor;
        const last = data.items.at(-1);
        if (last) page1000 = { at: last.createdAt, id: Number(last.id) };
        if (!cursor || data.items.length === 0) break;
      }
    } catch (error) {
      log(`  question.list unavailable for the cursor walk: ${String(error).slice(0, 160)}`);
    }

    log('scenarios (throughput, latency in ms):');
    const byId = HOT_IDS.map((id) => get('question.byId', { id: String(id) }));
    // Warm the page cache so that "cached" measures hits.
    for (const request of byId) await call(main.url, request).catch(() => undefined);
    await measureTogether([
      { name: 'question.byId cached', server: main, requests: byId },
      { name: 'question.byId uncached (cold)', server: uncached, requests: byId },
      {
        name: 'bare Hono+postgres.js byId (baseline a)',
        server: bare,
        requests: HOT_IDS.map((id) => ({ method: 'GET', path: `/bare/question.byId?id=${id}` })),
      },
    ]);
    if (withCluster) {
      // Cluster mode: the same server, two workers sharing the port (see bench/cluster-server.ts).
      const clusterCached = await startProcess('bench/cluster-server.ts', 3904, {
        ...serverEnv,
        CACHE_PAGES: 'on',
        WORKERS: '2',
      });
      servers.push(clusterCached);
      const clusterUncached = await startProcess('bench/cluster-server.ts', 3905, {
        ...serverEnv,
        CACHE_PAGES: 'off',
        WORKERS: '2',
      });
      servers.push(clusterUncached);
      for (const request of byId) await call(clusterCached.url, request).catch(() => undefined);
      await measure('question.byId cached, cluster of 2', clusterCached, byId);
      await measure('question.byId uncached, cluster of 2', clusterUncached, byId);
    }
    await measure('question.list page 1 (cached)', main, [get('question.list', { sort: 'newest' })]);
    await measure('question.list page 1 uncached', uncached, [get('question.list', { sort: 'newest' })]);
    if (cursor) {
      await measure('question.list page 1000 keyset', uncached, [
        get('question.list', { sort: 'newest', limit: 20, cursor }),
      ]);
    }
    if (page1000) {
      await measure('bare list page 1000 keyset (baseline c)', bare, [
        { method: 'GET', path: `/bare/list-keyset?at=${encodeURIComponent(page1000.at)}&id=${page1000.id}` },
      ]);
    }
    await measure('bare list page 1000 OFFSET (baseline c)', bare, [
      { method: 'GET', path: `/bare/list-offset?offset=${999 * 20}` },
    ]);
    await measure(
      'question.search',
      uncached,
      SEARCH_TERMS.map((q) => get('question.search', { q })),
    );
    const thread = (id: number) => get('reply.thread', { targetType: 'question', targetId: String(id) });
    await measure('reply.thread 1k replies', main, [thread(SMALL_THREAD_QUESTION)]);
    if (tokens.length > 0) {
      await measure('feed.list (follows 1,000)', main, [get('feed.list', {}, auth(0))]);
      const values = ['like', 'dislike', null];
      await measure(
        'reaction.set',
        main,
        Array.from({ length: 3000 }, (_, i) =>
          post(
            'reaction.set',
            { targetType: 'question', targetId: String(1000 + ((i * 7919) % 5000)), value: values[i % 3] },
            auth(i),
          ),
        ),
      );
      await measure(
        'answer.create',
        main,
        Array.from({ length: 500 }, (_, i) =>
          post(
            'answer.create',
            {
              questionId: String(2000 + i),
              body: `A benchmark answer number ${i}, long enough to pass validation.`,
            },
            auth(i),
          ),
        ),
      );
      await measure(
        'auth.login',
        main,
        Array.from({ length: BENCH_USERS }, (_, i) =>
          post('auth.login', { login: `bench${i}_${suffix}`, password: PASSWORD }),
        ),
      );
    }

    const metrics = await fetch(`${main.url}/metrics`)
      .then((r) => (r.ok ? r.text() : ''))
      .catch(() => '');
    const plans = await explainAll(db, {
      hotId: HOT_IDS[0] ?? 101,
      page1000,
      feedUserId: feedUser?.id ?? null,
      threadQuestions: [SMALL_THREAD_QUESTION, BIG_THREAD_QUESTION],
    });
    // Last: the 100k-reply thread. Requests still queued when a window ends keep the database busy
    // for a while, so nothing is measured after them.
    const big = size.bigThread / 1000;
    /** The baseline server's route for one thread strategy (`cte`, `per-level`, `per-node`). */
    const bareThreadRequest = (type: 'question' | 'answer', id: number, strategy: string): CannonRequest => ({
      method: 'GET',
      path: `/bare/thread-${strategy}?type=${type}&id=${id}`,
    });
    const threadOf = (type: 'question' | 'answer', id: number) => ({
      trpc: `${main.url}${get('reply.thread', { targetType: type, targetId: String(id) }).path}`,
      bare: (strategy: string) => `${bare.url}${bareThreadRequest(type, id, strategy).path}`,
    });
    const threads = [
      { label: `${big}k`, ...threadOf('question', BIG_THREAD_QUESTION) },
      // A chain: one top-level reply, each next reply answers the one before, 1,000 deep.
      { label: '1,000-deep chain', ...threadOf('question', CHAIN_QUESTION) },
    ];
    // The four ways must give the same answer, or the comparison below compares different work.
    for (const thread of threads) {
      // Whole bodies: tRPC's envelope `{ result: { data } }` is the bare routes' too.
      const answers: unknown[] = await Promise.all(
        [thread.trpc, ...['cte', 'per-level', 'per-node'].map(thread.bare)].map(async (url) => {
          const response = await fetch(url);
          return response.ok ? response.json() : `HTTP ${response.status}`;
        }),
      ).catch((error: unknown) => [String(error), 'failed']);
      const same = answers.every((answer) => isDeepStrictEqual(answer, answers[0]));
      log(
        `  thread ${thread.label}: ${same ? 'all four strategies return the same tree' : 'MISMATCH between strategies'}`,
      );
    }
    // One request at a time, no other load: the cost of each thread strategy on its own.
    const singles: { name: string; ms: number }[] = [];
    const timeOne = async (name: string, url: string) => {
      if (only && !name.includes(only)) return;
      const begin = performance.now();
      const response = await fetch(url).catch(() => null);
      await response?.arrayBuffer();
      if (response?.ok) singles.push({ name, ms: performance.now() - begin });
    };
    for (const thread of threads) {
      await timeOne(`reply.thread ${thread.label} (tRPC, one CTE)`, thread.trpc);
      await timeOne(`bare CTE ${thread.label}`, thread.bare('cte'));
      await timeOne(`bare one query per level ${thread.label}`, thread.bare('per-level'));
      await timeOne(`bare one query per reply ${thread.label}`, thread.bare('per-node'));
    }
    for (const single of singles) log(`  single request: ${single.name}: ${single.ms.toFixed(0)} ms`);

    // (b) where levels are many and narrow: the 1,000-deep chain, one CTE against one query per level.
    await measureTogether([
      {
        name: 'bare thread CTE 1,000-deep chain',
        server: bare,
        requests: [bareThreadRequest('question', CHAIN_QUESTION, 'cte')],
      },
      {
        name: 'bare thread per level 1,000-deep chain',
        server: bare,
        requests: [bareThreadRequest('question', CHAIN_QUESTION, 'per-level')],
      },
    ]);
    // (b): the big thread in one recursive query (tRPC and bare) against one query per level. One query per
    // reply stays out of the load test: each request is ~10,000 queries, and those still queued at 64
    // connections would keep the database busy through the other scenarios' windows (timed alone above).
    await measureTogether(
      [
        { name: `reply.thread ${big}k replies`, server: main, requests: [thread(BIG_THREAD_QUESTION)] },
        {
          name: `bare thread CTE ${big}k (baseline b)`,
          server: bare,
          requests: [bareThreadRequest('question', BIG_THREAD_QUESTION, 'cte')],
        },
        {
          name: `bare thread per level ${big}k (baseline b)`,
          server: bare,
          requests: [bareThreadRequest('question', BIG_THREAD_QUESTION, 'per-level')],
        },
      ],
      heavyLoad,
    );
    const ratios = computeRatios();
    log('\nratios (same run):');
    for (const r of ratios) log(`  ${r.verdict.padEnd(4)} ${r.name}: ${r.summary} (target ${r.target})`);
    const versions = await db`select version() as v`;
    writeResults({
      mode: quick ? 'quick' : 'full',
      date: started.toISOString(),
      machine: {
        cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
        memoryGb: Math.round(totalmem() / 1024 ** 3),
        node: process.version,
        postgres: String(versions[0]?.v ?? '').split(' on ')[0] ?? '',
        poolSize,
      },
      size,
      seedSeconds,
      load,
      heavyLoad,
      results,
      singles,
      ratios,
      plans,
      metrics,
      totalSeconds: (performance.now() - t0) / 1000,
    });
    log(
      `\nwrote bench/RESULTS${quick ? '.quick' : ''}.md in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await redis.redis?.flushdb().catch(() => undefined);
    await redis.close();
    await db.end({ timeout: 5 });
    if (!keep && !reuse) await dropBenchDatabase(target);
  }
}

/** Throughput of a scenario at a level, and the run's length (to bound a level that completed nothing). */
function levelOf(name: string, connections: number) {
  return results.find((r) => r.name === name)?.levels.find((l) => l.connections === connections) ?? null;
}

/** The issue's comparisons, each measured in this run, at every connection level. */
function computeRatios(): Ratio[] {
  const pairs: { name: string; over: string; under: string; min: number; target: string; heavy?: boolean }[] =
    [
      {
        name: '(a) tRPC+Drizzle question.byId vs bare Hono+postgres.js (uncached)',
        over: 'question.byId uncached (cold)',
        under: 'bare Hono+postgres.js byId (baseline a)',
        min: 0.8,
        target: '≥ 0.80× at every measured level',
      },
      {
        name: `(b) reply.thread ${size.bigThread / 1000}k (one CTE) vs N+1 one query per level`,
        over: `reply.thread ${size.bigThread / 1000}k replies`,
        under: `bare thread per level ${size.bigThread / 1000}k (baseline b)`,
        min: 10,
        target: '≥ 10× at every measured level',
        heavy: true,
      },
      {
        name: `(b, same stack) bare CTE ${size.bigThread / 1000}k vs bare one query per level`,
        over: `bare thread CTE ${size.bigThread / 1000}k (baseline b)`,
        under: `bare thread per level ${size.bigThread / 1000}k (baseline b)`,
        min: 10,
        target: '≥ 10× at every measured level',
        heavy: true,
      },
      {
        name: "(b') the 1,000-deep chain: bare CTE vs bare one query per level",
        over: 'bare thread CTE 1,000-deep chain',
        under: 'bare thread per level 1,000-deep chain',
        min: 10,
        target: '≥ 10× at every measured level',
      },
      {
        name: '(c) keyset vs OFFSET at page 1000 (both bare)',
        over: 'bare list page 1000 keyset (baseline c)',
        under: 'bare list page 1000 OFFSET (baseline c)',
        min: 2,
        target: '≥ 2× at every measured level',
      },
      {
        name: "(c') tRPC question.list page 1000 (keyset) vs bare OFFSET",
        over: 'question.list page 1000 keyset',
        under: 'bare list page 1000 OFFSET (baseline c)',
        min: 1,
        target: '≥ 1× at every measured level',
      },
      {
        name: '(d) question.byId cached vs uncached',
        over: 'question.byId cached',
        under: 'question.byId uncached (cold)',
        min: 2,
        target: '≥ 2× at every measured level',
      },
    ];
  return pairs.map((pair) => {
    const values = load.levels.map((c) => {
      const over = levelOf(pair.over, c);
      const under = levelOf(pair.under, c);
      if (!over || !under || over.requests === 0) return { connections: c, ratio: null, atLeast: false };
      // The slower side completed nothing in the window: its throughput is below one request per window.
      if (under.requests === 0) {
        const window = pair.heavy ? heavyLoad.duration : load.duration;
        return { connections: c, ratio: over.rps * window, atLeast: true };
      }
      return { connections: c, ratio: over.rps / under.rps, atLeast: false };
    });
    const measured = values.filter((v) => v.ratio !== null);
    const pass = measured.length > 0 && measured.every((v) => (v.ratio ?? 0) >= pair.min);
    return {
      name: pair.name,
      target: pair.target,
      values,
      verdict: measured.length === 0 ? 'N/A' : pass ? 'PASS' : 'FAIL',
      summary: values
        .map(
          (v) =>
            `${v.connections}c ${v.ratio === null ? 'n/a' : `${v.atLeast ? '≥ ' : ''}${v.ratio.toFixed(2)}×`}`,
        )
        .join(', '),
    };
  });
}

await main();
