import { randomBytes } from 'node:crypto';
/**
 * Runs the bench: prepares the database, starts the servers, learns what the scenarios need, drives the
 * tables of bench/scenarios.ts and writes the report. Everything a run holds lives in `runBench`.
 */
import { cpus, totalmem } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { createRedisCache } from '@devflow/cache';
import { type SeedPlan, seedLandmarks } from '@devflow/db/seed';
import postgres from 'postgres';
import { type BenchDatabase, benchDatabase, dropBenchDatabase, recreateBenchDatabase } from './database';
import { type ExplainedCall, explainEvery } from './explain';
import { type LoadOptions, type RunningProcess, runLoad, startProcess } from './processes';
import { type Ratio, type ScenarioResult, type SingleResult, writeResults } from './report';
import { call, get, post } from './requests';
import {
  BENCH_ACCOUNTS,
  type BenchFacts,
  bareThread,
  type CheckedThread,
  type Comparison,
  checkedThreads,
  comparisons,
  type LoadKind,
  PAGE_SIZE,
  type Scenario,
  type ServerName,
  type Side,
  scenarios,
  threadPage,
} from './scenarios';
import { FULL_PLAN, QUICK_PLAN, seedBench } from './seed';

/** What `pnpm bench` was asked for (see bench/run.ts), and where PostgreSQL and Redis are. */
export type BenchOptions = {
  quick: boolean;
  /** Keep the bench database afterwards. */
  keep: boolean;
  /** Keep an already seeded bench database (same mode) instead of seeding again. */
  reuse: boolean;
  /** Measure only the scenarios whose name contains this. */
  only: string | undefined;
  cluster: boolean;
  poolSize: number;
  /** The server whose `devflow_bench` database the run uses (default local PostgreSQL). */
  databaseUrl: string | undefined;
  redisUrl: string;
};

/** Reads the command line and the environment once. */
export function parseBenchOptions(args: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const value = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  return {
    quick: args.includes('--quick'),
    keep: args.includes('--keep'),
    reuse: args.includes('--reuse'),
    only: value('only'),
    cluster: args.includes('--cluster'),
    poolSize: Number(value('pool') ?? 10),
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}

type Log = (line: string) => void;

/** Password of the accounts the run registers. */
const PASSWORD = 'bench-Password-2024!';

/** Window lengths: short for `--quick`; whole big threads get longer runs so that enough requests complete. */
function loadsFor(quick: boolean): Record<LoadKind, LoadOptions> {
  const normal: LoadOptions = quick
    ? { levels: [1, 16, 64], duration: 1, warmup: 0, timeout: 30 }
    : { levels: [1, 16, 64], duration: 8, warmup: 2, timeout: 60 };
  return { normal, heavy: { ...normal, duration: quick ? 2 : 15, warmup: quick ? 0 : 2 } };
}

/** How to start each server. */
type ServerSpec = { script: string; port: number; env: Record<string, string> };

/** How the run starts each server: script, port and environment (bench/profile.ts starts them too). */
export function serverSpecs(
  options: BenchOptions,
  databaseUrl: string,
  redisUrl: string,
): Record<ServerName, ServerSpec> {
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    APP_SECRET: randomBytes(32).toString('hex'),
    DB_POOL_SIZE: String(options.poolSize),
    DATA_DIR: '/tmp/devflow-bench-data',
    // Load comes from one IP and few accounts: the rate limits would measure themselves.
    RATE_LIMITS: JSON.stringify({
      loginAccountIp: { points: 1e9, durationSeconds: 60 },
      loginIp: { points: 1e9, durationSeconds: 60 },
      register: { points: 1e9, durationSeconds: 60 },
      writes: { points: 1e9, durationSeconds: 60 },
    }),
  };
  const main = 'apps/server/src/main.ts';
  const cluster = 'bench/cluster-server.ts';
  return {
    cached: { script: main, port: 3901, env: { ...env, CACHE_PAGES: 'on' } },
    uncached: { script: main, port: 3902, env: { ...env, CACHE_PAGES: 'off' } },
    bare: {
      script: 'bench/baseline-server.ts',
      port: 3903,
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        DB_POOL_SIZE: String(options.poolSize),
        // The answer twin signs the mail's unsubscribe link as the server does.
        APP_SECRET: env.APP_SECRET,
      },
    },
    clusterCached: { script: cluster, port: 3904, env: { ...env, CACHE_PAGES: 'on', WORKERS: '2' } },
    clusterUncached: { script: cluster, port: 3905, env: { ...env, CACHE_PAGES: 'off', WORKERS: '2' } },
  };
}

/** The run's servers, each started on first use and recorded at once, so that `stopAll` stops whatever started. */
class Servers {
  private readonly started = new Map<ServerName, Promise<RunningProcess>>();

  constructor(private readonly specs: Record<ServerName, ServerSpec>) {}

  /** The server, started (and waited for) the first time it is asked for. */
  get(name: ServerName): Promise<RunningProcess> {
    const running = this.started.get(name);
    if (running) return running;
    const { script, port, env } = this.specs[name];
    const starting = startProcess(script, port, env);
    this.started.set(name, starting);
    return starting;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.started.values()].map((server) =>
        server.then(
          (s) => s.stop(),
          () => undefined,
        ),
      ),
    );
  }
}

/** The bench database with `plan` in it: seeded now, or kept from an earlier run with `--reuse`. */
async function prepareDatabase(target: BenchDatabase, plan: SeedPlan, reuse: boolean, log: Log) {
  const open = () => postgres(target.url, { max: 4, onnotice: () => {} });
  if (reuse) {
    const db = open();
    const seeded = await db`select count(*)::int as n from questions`.then(
      ([row]) => (row?.n ?? 0) === plan.questions,
      () => false,
    );
    if (seeded) return { db, seedSeconds: 0 };
    await db.end();
  }
  await recreateBenchDatabase(target);
  const seedSeconds = await seedBench(target.url, plan, log);
  return { db: open(), seedSeconds };
}

/**
 * Registers the bench accounts through the API (so their passwords and sessions are real), makes the
 * first one follow users 1–1,000, and walks `question.list` to page 1,000 as a client would.
 */
async function learnFacts(
  plan: SeedPlan,
  server: RunningProcess,
  db: postgres.Sql,
  log: Log,
): Promise<BenchFacts> {
  const suffix = Date.now().toString(36);
  const usernames = Array.from({ length: BENCH_ACCOUNTS }, (_, i) => `bench${i}_${suffix}`);
  const tokens: string[] = [];
  for (const [i, username] of usernames.entries()) {
    try {
      const input = { email: `bench${i}-${suffix}@bench.test`, username, password: PASSWORD };
      tokens.push((await call<{ token: string }>(server.url, post('auth.register', input))).token);
    } catch (error) {
      log(`  registration unavailable: ${String(error).slice(0, 160)}`);
      if (server.child.exitCode !== null) log(`  main server exited: ${server.stderr().slice(-1500)}`);
      break;
    }
  }
  const registered = usernames.slice(0, tokens.length);
  const ids = new Map(
    (
      await db<
        { id: string; username: string }[]
      >`select id, username from users where username = any(${registered})`
    ).map((row) => [row.username, Number(row.id)]),
  );
  const accountIds = registered.map((username) => ids.get(username) ?? 0);
  const [feedUser] = accountIds[0] ? [{ id: accountIds[0] }] : [];
  if (feedUser) {
    await db`insert into follows (follower_id, followee_id) select ${feedUser.id}, g from generate_series(1, 1000) g on conflict do nothing`;
  }
  return {
    plan,
    landmarks: seedLandmarks(plan),
    tokens,
    accounts: { usernames, password: PASSWORD, ids: accountIds },
    feedUserId: feedUser ? String(feedUser.id) : null,
    ...(await walkToPage1000(server, log)),
  };
}

/**
 * The page-1000 cursor, by walking the keyset pages 100 rows at a time: the cursor after row 19,980 is the
 * same whatever the page size that reached it.
 */
async function walkToPage1000(server: RunningProcess, log: Log) {
  let cursor: string | null = null;
  let page1000: { at: string; id: number } | null = null;
  try {
    let walked = 0;
    while (walked < 999 * PAGE_SIZE) {
      const limit = Math.min(100, 999 * PAGE_SIZE - walked);
      const data: { items: { id: string; createdAt: string }[]; nextCursor: string | null } = await call(
        server.url,
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
  return { cursor, page1000 };
}

/** What measuring a scenario needs. */
type Run = {
  options: BenchOptions;
  servers: Servers;
  loads: Record<LoadKind, LoadOptions>;
  facts: BenchFacts;
  log: Log;
};

/**
 * Measures a scenario's sides at every connection level. Each side first answers one request: a side
 * whose procedure is missing or failing is reported, not measured.
 */
async function measure(run: Run, scenario: Scenario): Promise<ScenarioResult[]> {
  const { options, log } = run;
  const sides = scenario.sides.flatMap((side) => {
    const requests = side.requests(run.facts);
    return requests ? [{ ...side, requests }] : [];
  });
  const { only } = options;
  if (only && !sides.some((side) => side.name.includes(only))) return [];
  const results: ScenarioResult[] = [];
  const ready: { name: string; server: RunningProcess; requests: (typeof sides)[number]['requests'] }[] = [];
  for (const side of sides) {
    const server = await run.servers.get(side.server);
    if (side.warm)
      for (const request of side.requests) await call(server.url, request).catch(() => undefined);
    try {
      const [first] = side.requests;
      if (first) await call(server.url, first);
      ready.push({ name: side.name, server, requests: side.requests });
    } catch (error) {
      results.push({ name: side.name, server: server.url, levels: [], note: String(error).slice(0, 300) });
      log(`  ${side.name.padEnd(44)} UNAVAILABLE: ${String(error).slice(0, 200)}`);
    }
  }
  if (ready.length === 0) return results;
  const rounds = ready.length > 1 ? (options.quick ? 2 : 4) : 1;
  const levels = await runLoad(
    ready.map((side) => ({ url: side.server.url, requests: side.requests, pid: side.server.child.pid })),
    run.loads[scenario.load],
    rounds,
  );
  for (const [i, side] of ready.entries()) {
    const mine = levels.filter((l) => l.target === i);
    results.push({ name: side.name, server: side.server.url, levels: mine });
    const cells = mine.map(
      (l) => `${l.connections}c ${l.rps.toFixed(0)} rps p50 ${l.p50} p95 ${l.p95} p99 ${l.p99}`,
    );
    const bad = mine.reduce((n, l) => n + l.non2xx + l.errors + l.timeouts, 0);
    log(`  ${side.name.padEnd(44)} ${cells.join(' | ')}${bad > 0 ? `  (${bad} failed)` : ''}`);
  }
  return results;
}

const STRATEGIES = ['cte', 'per-level', 'per-node'] as const;

/** The four ways to load each checked thread's first page must give the same answer, or the comparisons compare different work. */
async function checkThreads(run: Run, threads: CheckedThread[]): Promise<void> {
  const [cached, bare] = [await run.servers.get('cached'), await run.servers.get('bare')];
  for (const thread of threads) {
    const urls = [
      `${cached.url}${threadPage(thread.question).path}`,
      ...STRATEGIES.map((strategy) => `${bare.url}${bareThread(thread.question, strategy).path}`),
    ];
    // Whole bodies: tRPC's envelope `{ result: { data } }` is the bare routes' too.
    const answers: unknown[] = await Promise.all(
      urls.map(async (url) => {
        const response = await fetch(url);
        return response.ok ? response.json() : `HTTP ${response.status}`;
      }),
    ).catch((error: unknown) => [String(error), 'failed']);
    const same = answers.every((answer) => isDeepStrictEqual(answer, answers[0]));
    run.log(
      `  thread ${thread.label}: ${same ? 'all four strategies return the same first page' : 'MISMATCH between strategies'}`,
    );
  }
}

/** One request at a time, no other load: the cost of each thread strategy on its own. */
async function timeThreads(run: Run, threads: CheckedThread[]): Promise<SingleResult[]> {
  const [cached, bare] = [await run.servers.get('cached'), await run.servers.get('bare')];
  const singles: SingleResult[] = [];
  for (const thread of threads) {
    const trpc = threadPage(thread.question);
    const bareUrl = (strategy: (typeof STRATEGIES)[number]) =>
      `${bare.url}${bareThread(thread.question, strategy).path}`;
    const requests = [
      { name: `reply.thread ${thread.label} first page (tRPC, one CTE)`, url: `${cached.url}${trpc.path}` },
      { name: `bare CTE ${thread.label} first page`, url: bareUrl('cte') },
      { name: `bare one query per level ${thread.label} first page`, url: bareUrl('per-level') },
      { name: `bare one query per reply ${thread.label} first page`, url: bareUrl('per-node') },
    ];
    for (const { name, url } of requests) {
      if (run.options.only && !name.includes(run.options.only)) continue;
      const begin = performance.now();
      const response = await fetch(url).catch(() => null);
      await response?.arrayBuffer();
      if (response?.ok) singles.push({ name, ms: performance.now() - begin });
    }
  }
  for (const single of singles) run.log(`  single request: ${single.name}: ${single.ms.toFixed(0)} ms`);
  return singles;
}

/** Each comparison's ratio at every connection level, from the results of this run. */
function ratiosOf(
  list: Comparison[],
  table: Scenario[],
  results: ScenarioResult[],
  loads: Record<LoadKind, LoadOptions>,
): Ratio[] {
  const levelOf = (name: string, connections: number) =>
    results.find((r) => r.name === name)?.levels.find((l) => l.connections === connections) ?? null;
  const loadOf = (name: string) =>
    table.find((s) => s.sides.some((side) => side.name === name))?.load ?? 'normal';
  return list.map((comparison) => {
    const values = loads.normal.levels.map((c) => {
      const over = levelOf(comparison.over, c);
      const under = levelOf(comparison.under, c);
      if (!over || !under || over.requests === 0) return { connections: c, ratio: null, atLeast: false };
      // The slower side completed nothing in the window: its throughput is below one request per window.
      if (under.requests === 0) {
        return { connections: c, ratio: over.rps * loads[loadOf(comparison.under)].duration, atLeast: true };
      }
      return { connections: c, ratio: over.rps / under.rps, atLeast: false };
    });
    const measured = values.filter((v) => v.ratio !== null);
    const pass = measured.length > 0 && measured.every((v) => (v.ratio ?? 0) >= comparison.min);
    const min = comparison.min < 1 ? comparison.min.toFixed(2) : String(comparison.min);
    return {
      name: comparison.name,
      target: `≥ ${min}× at every measured level`,
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

/**
 * The first request of every tRPC side of the table (the bare baselines are not the procedures'
 * statements), the uncached server's sides first: the explainer runs without the page cache.
 */
function explainedCalls(table: Scenario[], facts: BenchFacts): ExplainedCall[] {
  const uncachedFirst = (sides: Side[]) =>
    [...sides].sort((a, b) => Number(a.server !== 'uncached') - Number(b.server !== 'uncached'));
  return table.flatMap((scenario) =>
    uncachedFirst(scenario.sides).flatMap((side) => {
      const [request] = side.server === 'bare' ? [] : (side.requests(facts) ?? []);
      return request ? [{ scenario: side.name, request }] : [];
    }),
  );
}

/** The machine the run measured on, for the report. */
async function machineOf(db: postgres.Sql, poolSize: number) {
  const [version] = await db`select version() as v`;
  return {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    postgres: String(version?.v ?? '').split(' on ')[0] ?? '',
    poolSize,
  };
}

/**
 * The whole run: database, servers and facts first; then the scenarios in table order, the EXPLAINs, the
 * thread checks and single timings, and the `last` scenarios; then the ratios and the report.
 */
export async function runBench(options: BenchOptions, log: Log): Promise<void> {
  const started = new Date();
  const t0 = performance.now();
  const seconds = () => ((performance.now() - t0) / 1000).toFixed(0);
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const landmarks = seedLandmarks(plan);
  const target = benchDatabase(options.databaseUrl);
  log(`DevFlow bench (${options.quick ? 'quick' : 'full'}) on ${target.url}`);
  const { db, seedSeconds } = await prepareDatabase(target, plan, options.reuse, log);
  // Bench keys go to their own Redis database index so they never meet other users of the server.
  const redisUrl = `${options.redisUrl.replace(/\/\d*$/, '')}/7`;
  const redis = createRedisCache({ url: redisUrl, prefix: '' });
  const servers = new Servers(serverSpecs(options, target.url, redisUrl));
  try {
    await redis.ping();
    if (redis.redis) await redis.redis.flushdb();
    const [cached] = await Promise.all([servers.get('cached'), servers.get('uncached'), servers.get('bare')]);
    log(`servers up (${seconds()} s)`);
    const run: Run = {
      options,
      servers,
      loads: loadsFor(options.quick),
      log,
      facts: await learnFacts(plan, cached, db, log),
    };
    const table = scenarios(plan, landmarks).filter((s) => s.when !== 'cluster' || options.cluster);
    const results: ScenarioResult[] = [];
    log('scenarios (throughput, latency in ms):');
    for (const scenario of table.filter((s) => s.when !== 'last'))
      results.push(...(await measure(run, scenario)));
    const metrics = await fetch(`${cached.url}/metrics`)
      .then((r) => (r.ok ? r.text() : ''))
      .catch(() => '');
    const plans = await explainEvery(db, target.url, explainedCalls(table, run.facts));
    const threads = checkedThreads(plan, landmarks);
    await checkThreads(run, threads);
    const singles = await timeThreads(run, threads);
    for (const scenario of table.filter((s) => s.when === 'last'))
      results.push(...(await measure(run, scenario)));
    const ratios = ratiosOf(comparisons(plan), table, results, run.loads);
    log('\nratios (same run):');
    for (const r of ratios) log(`  ${r.verdict.padEnd(4)} ${r.name}: ${r.summary} (target ${r.target})`);
    writeResults({
      mode: options.quick ? 'quick' : 'full',
      date: started.toISOString(),
      machine: await machineOf(db, options.poolSize),
      size: plan,
      seedSeconds,
      load: run.loads.normal,
      heavyLoad: run.loads.heavy,
      results,
      singles,
      ratios,
      plans,
      metrics,
      totalSeconds: (performance.now() - t0) / 1000,
    });
    log(`\nwrote bench/RESULTS${options.quick ? '.quick' : ''}.md in ${seconds()} s`);
  } finally {
    await servers.stopAll();
    await redis.redis?.flushdb().catch(() => undefined);
    await redis.close();
    await db.end({ timeout: 5 });
    if (!options.keep && !options.reuse) await dropBenchDatabase(target);
  }
}
