/**
 * The live-updates bench (issue 17): how many `live.question` subscribers one server process holds, the
 * memory each costs, how long an answer takes from its commit to the last of N subscribers, and the
 * server's CPU for N live subscribers against the same N clients polling `question.byId` every 5 s.
 *
 *   node --import tsx bench/live.ts          (also run by `pnpm bench`, after the other scenarios)
 *
 * Environment: `LIVE_BENCH_MAX` caps N (default 10,000; 1,000 with `pnpm bench --quick`),
 * `LIVE_BENCH_EVENTS` answers timed per level (default 20), `LIVE_BENCH_WINDOW_S` seconds of each CPU
 * window (default 30), `LIVE_BENCH_GENERATORS` load generator processes (default 2),
 * `LIVE_BENCH_CPU_PROF=<dir>` writes the server's `--cpu-prof` profile there. `DATABASE_URL`'s server
 * (default local PostgreSQL) gets a private database `devflow_bench_live`; Redis (`REDIS_URL`, default
 * local) database 8. One server process (`apps/server/src/main.ts` through tsx, PostgreSQL + Redis, the
 * production shape); the subscribers are raw SSE streams opened by bench/live-load.ts processes.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRedisCache } from '@devflow/cache';
import { benchDatabase, dropBenchDatabase, recreateBenchDatabase } from './database';
import type { LoadAnswer, LoadCommand } from './live-load';
import { type RunningProcess, startProcess } from './processes';
import { call, post } from './requests';

/** What a run of the live bench is asked for. */
export type LiveBenchOptions = {
  /** Subscriber counts measured, ascending; the last is the most the run tries to hold. */
  levels: number[];
  /** Answers timed at each level. */
  events: number;
  /** Seconds of each CPU window (live, then polling, at each level). */
  windowSeconds: number;
  generators: number;
  /** Directory for the server's `--cpu-prof` output, or null. */
  cpuProfDir: string | null;
  databaseUrl: string | undefined;
  redisUrl: string;
  /** The results file whose live section the run rewrites. */
  resultsFile: string;
};

const here = fileURLToPath(new URL('.', import.meta.url));

/** The issue's subscriber counts, capped by `LIVE_BENCH_MAX` (the cap itself measured when it is below them). */
export function liveBenchOptions(env: NodeJS.ProcessEnv, quick = false): LiveBenchOptions {
  const max = Number(env.LIVE_BENCH_MAX ?? (quick ? 1000 : 10_000));
  const levels = [1000, 5000, 10_000].filter((n) => n < max);
  levels.push(max);
  return {
    levels,
    events: Number(env.LIVE_BENCH_EVENTS ?? (quick ? 5 : 20)),
    windowSeconds: Number(env.LIVE_BENCH_WINDOW_S ?? (quick ? 10 : 30)),
    generators: Number(env.LIVE_BENCH_GENERATORS ?? 2),
    cpuProfDir: env.LIVE_BENCH_CPU_PROF ?? null,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    resultsFile: join(here, quick ? 'RESULTS.quick.md' : 'RESULTS.md'),
  };
}

/** Wall-clock milliseconds with sub-millisecond resolution (the generators use the same clock). */
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Resident memory of a process in bytes (/proc/<pid>/status). */
function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** A load generator process (bench/live-load.ts) and a way to send it a command and await its answer. */
export class Generator {
  private readonly answers: ((answer: LoadAnswer) => void)[] = [];

  constructor(readonly child: ChildProcess) {
    child.on('message', (answer: LoadAnswer) => this.answers.shift()?.(answer));
  }

  static start(): Generator {
    return new Generator(
      fork(join(here, 'live-load.ts'), [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
  }

  ask<T extends LoadAnswer['op']>(command: LoadCommand): Promise<Extract<LoadAnswer, { op: T }>> {
    return new Promise((resolve) => {
      this.answers.push((answer) => resolve(answer as Extract<LoadAnswer, { op: T }>));
      this.child.send(command);
    });
  }

  cpu(): number {
    return cpuSeconds(this.child.pid);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    await Promise.race([exited, sleep(5000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** Splits `count` clients over the generators: [generator, its first client number, how many]. */
function shares(generators: Generator[], count: number, offset: number): [Generator, number, number][] {
  const each = Math.ceil(count / generators.length);
  return generators.map((g, i) => [g, offset + i * each, Math.max(0, Math.min(each, count - i * each))]);
}

/** The measurements at one subscriber count. */
type Level = {
  subscribers: number;
  /** How many subscriptions the server accepted (equal to `subscribers` unless it failed earlier). */
  open: number;
  failures: string[];
  rssDeltaBytes: number;
  perSubscriberBytes: number;
  /** Of that, the V8 heap in use and V8's off-heap memory (buffers), per subscriber. */
  heapPerSubscriberBytes: number;
  externalPerSubscriberBytes: number;
  /** From the answer's `createdAt` (set in its transaction, so at or before the commit) to the last subscriber. */
  fromCreated: { p50: number; p99: number; max: number };
  /** From the `answer.create` response's arrival to the last subscriber (negative: all had it before). */
  fromResponse: { p50: number; p99: number };
  /** From the first subscriber to the last: the fan-out (the first gets it one in-process hand-over after commit). */
  spread: { p50: number; p99: number };
  /** `answer.create` itself: request → response, and `createdAt` → response (p50). */
  write: { p50: number; createdToResponse: number };
  delivered: string;
  live: CpuWindow;
  /** Null until measured (or when the run ended before). */
  polling: (CpuWindow & { rps: number; p50: number; p99: number; failed: number }) | null;
  load: number;
};

/** Server and generators' CPU over one window, per minute. */
type CpuWindow = { serverPerMinute: number; generatorsPerMinute: number };

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** Everything one run needs, built by `runLiveBench`. */
type Bench = {
  server: RunningProcess;
  generators: Generator[];
  questionId: string;
  token: string;
  options: LiveBenchOptions;
  log: (line: string) => void;
  written: number;
  /** Answers that failed during the CPU windows. */
  failedWrites: number;
};

/** Posts one answer; returns its id and `createdAt`, and when the response arrived. */
async function answer(bench: Bench) {
  bench.written += 1;
  const sent = now();
  const data = await call<{ id: string; createdAt: string }>(
    bench.server.url,
    post(
      'answer.create',
      {
        questionId: bench.questionId,
        body: `Live bench answer ${bench.written}, long enough to be an answer.`,
      },
      { authorization: `Bearer ${bench.token}` },
    ),
  );
  return { id: data.id, createdAt: Date.parse(data.createdAt), sent, answered: now() };
}

/** Times `events` answers from commit to the last of `expected` subscribers, one after the other. */
async function timeDelivery(bench: Bench, expected: number) {
  const fromCreated: number[] = [];
  const fromResponse: number[] = [];
  const spread: number[] = [];
  const sentToResponse: number[] = [];
  const createdToResponse: number[] = [];
  let complete = 0;
  for (let i = 0; i < bench.options.events; i++) {
    const written = await answer(bench);
    const deadline = now() + 10_000;
    let count = 0;
    let last = 0;
    let first = 0;
    while (now() < deadline) {
      const replies = await Promise.all(
        bench.generators.map((g) => g.ask<'arrivals'>({ op: 'arrivals', answerId: written.id })),
      );
      count = replies.reduce((sum, r) => sum + r.count, 0);
      last = Math.max(...replies.map((r) => r.last));
      first = Math.min(...replies.filter((r) => r.count > 0).map((r) => r.first));
      if (count >= expected) break;
      await sleep(20);
    }
    if (count >= expected) {
      complete += 1;
      fromCreated.push(last - written.createdAt);
      fromResponse.push(last - written.answered);
      spread.push(last - first);
      sentToResponse.push(written.answered - written.sent);
      createdToResponse.push(written.answered - written.createdAt);
    } else bench.log(`    answer ${written.id}: only ${count} of ${expected} subscribers within 10 s`);
    await sleep(250);
  }
  for (const list of [fromCreated, fromResponse, spread, sentToResponse, createdToResponse])
    list.sort((a, b) => a - b);
  bench.log(
    `    answer.create: request → response p50 ${quantile(sentToResponse, 0.5).toFixed(0)} ms, createdAt → response p50 ${quantile(createdToResponse, 0.5).toFixed(0)} ms`,
  );
  return {
    fromCreated: {
      p50: quantile(fromCreated, 0.5),
      p99: quantile(fromCreated, 0.99),
      max: fromCreated.at(-1) ?? Number.NaN,
    },
    fromResponse: { p50: quantile(fromResponse, 0.5), p99: quantile(fromResponse, 0.99) },
    spread: { p50: quantile(spread, 0.5), p99: quantile(spread, 0.99) },
    write: { p50: quantile(sentToResponse, 0.5), createdToResponse: quantile(createdToResponse, 0.5) },
    delivered: `${complete} of ${bench.options.events} answers reached all ${expected}`,
  };
}

/** Runs `during` for the window while an answer is posted every 5 s; CPU per minute of server and generators. */
async function cpuWindow<T>(bench: Bench, during: () => Promise<T>): Promise<CpuWindow & { result: T }> {
  const seconds = bench.options.windowSeconds;
  const server0 = cpuSeconds(bench.server.child.pid);
  const generators0 = bench.generators.reduce((sum, g) => sum + g.cpu(), 0);
  const started = now();
  const writes = (async () => {
    while (now() - started < seconds * 1000 - 5000) {
      await sleep(5000);
      // A saturated server may not even accept the connection: the window goes on, the failure is noted.
      await answer(bench).catch((error: unknown) => {
        bench.failedWrites += 1;
        bench.log(`    answer.create failed during the window: ${String(error).slice(0, 160)}`);
      });
    }
  })();
  const [result] = await Promise.all([during(), writes]);
  const elapsedMinutes = (now() - started) / 60_000;
  return {
    result,
    serverPerMinute: (cpuSeconds(bench.server.child.pid) - server0) / elapsedMinutes,
    generatorsPerMinute:
      (bench.generators.reduce((sum, g) => sum + g.cpu(), 0) - generators0) / elapsedMinutes,
  };
}

/** The server's memory after full GCs: resident, V8 heap in use, and off-heap memory V8 knows of. */
type Memory = { rss: number; heapUsed: number; external: number };

/** Where the server writes `process.memoryUsage()` after each GC (bench/live-gc.ts). */
const memoryFile = join(tmpdir(), `devflow-live-bench-memory-${process.pid}.json`);

/** Full GC in the server (bench/live-gc.ts), twice, then its memory once it settled. */
async function settledMemory(bench: Bench): Promise<Memory> {
  for (let i = 0; i < 2; i++) {
    bench.server.child.kill('SIGUSR2');
    await sleep(1500);
  }
  const usage = JSON.parse(readFileSync(memoryFile, 'utf8')) as { heapUsed: number; external: number };
  return { rss: rssBytes(bench.server.child.pid), heapUsed: usage.heapUsed, external: usage.external };
}

/** Opens subscriptions up to `count` (those already open stay); returns how many are open. */
async function openUpTo(bench: Bench, open: number, count: number) {
  const answers = await Promise.all(
    shares(bench.generators, count - open, open).map(([g, first, n]) =>
      g.ask<'opened'>({
        op: 'open',
        url: bench.server.url,
        questionId: bench.questionId,
        count: n,
        firstClient: first,
      }),
    ),
  );
  return {
    open: open + answers.reduce((sum, a) => sum + a.open, 0),
    failures: answers.flatMap((a) => a.errors),
  };
}

/** Registers the writer and posts the question every subscriber watches. */
async function setUp(server: RunningProcess) {
  const suffix = Date.now().toString(36);
  const { token } = await call<{ token: string }>(
    server.url,
    post('auth.register', {
      email: `live-${suffix}@bench.test`,
      username: `live_${suffix}`,
      password: 'bench-Password-2024!',
    }),
  );
  const question = await call<{ id: string }>(
    server.url,
    post(
      'question.create',
      {
        title: 'How many live subscribers does one DevFlow process hold?',
        body: 'The question every bench subscriber watches while answers arrive.',
        tags: ['bench'],
      },
      { authorization: `Bearer ${token}` },
    ),
  );
  return { token, questionId: question.id };
}

/** Measures every level into `levels`, then the polling windows with the same clients. */
async function measureLevels(bench: Bench, baseline: Memory, levels: Level[]): Promise<void> {
  let open = 0;
  const { log } = bench;
  for (const subscribers of bench.options.levels) {
    const began = now();
    const opened = await openUpTo(bench, open, subscribers);
    open = opened.open;
    log(
      `  ${subscribers} subscribers: ${open} open after ${((now() - began) / 1000).toFixed(1)} s` +
        (opened.failures.length > 0 ? ` (refused: ${opened.failures.join(' / ').slice(0, 300)})` : ''),
    );
    const delivery = await timeDelivery(bench, open);
    log(
      `    createdAt → last subscriber: p50 ${delivery.fromCreated.p50.toFixed(0)} ms, p99 ${delivery.fromCreated.p99.toFixed(0)} ms; first → last p50 ${delivery.spread.p50.toFixed(0)} ms, p99 ${delivery.spread.p99.toFixed(0)} ms (${delivery.delivered})`,
    );
    const live = await cpuWindow(bench, () => sleep(bench.options.windowSeconds * 1000));
    log(`    live: server ${live.serverPerMinute.toFixed(2)} CPU s/min`);
    // Memory in the steady state: after the deliveries and the live window, not in the wake of the
    // burst of connections (whose garbage V8 and malloc give back only over time).
    const memory = await settledMemory(bench);
    log(
      `    memory: RSS +${((memory.rss - baseline.rss) / 1024 ** 2).toFixed(0)} MB, V8 heap +${((memory.heapUsed - baseline.heapUsed) / 1024 ** 2).toFixed(0)} MB`,
    );
    levels.push({
      subscribers,
      open,
      failures: opened.failures,
      rssDeltaBytes: memory.rss - baseline.rss,
      perSubscriberBytes: (memory.rss - baseline.rss) / Math.max(open, 1),
      heapPerSubscriberBytes: (memory.heapUsed - baseline.heapUsed) / Math.max(open, 1),
      externalPerSubscriberBytes: (memory.external - baseline.external) / Math.max(open, 1),
      ...delivery,
      live,
      polling: null,
      load: loadavg()[0] ?? 0,
    });
    if (open < subscribers) break;
  }
  await Promise.all(bench.generators.map((g) => g.ask<'closed'>({ op: 'close' })));
  await sleep(3000);
  for (const level of levels) {
    const window = bench.options.windowSeconds * 1000;
    const polled = await cpuWindow(bench, () =>
      Promise.all(
        shares(bench.generators, level.open, 0).map(([g, first, n]) =>
          g.ask<'polled'>({
            op: 'poll',
            url: bench.server.url,
            questionId: bench.questionId,
            count: n,
            firstClient: first,
            intervalMs: 5000,
            durationMs: window,
          }),
        ),
      ),
    );
    const requests = polled.result.reduce((sum, r) => sum + r.requests, 0);
    level.polling = {
      serverPerMinute: polled.serverPerMinute,
      generatorsPerMinute: polled.generatorsPerMinute,
      rps: requests / bench.options.windowSeconds,
      p50: Math.max(...polled.result.map((r) => r.p50)),
      p99: Math.max(...polled.result.map((r) => r.p99)),
      failed: polled.result.reduce((sum, r) => sum + r.failed, 0),
    };
    log(
      `  polling by ${level.open}: server ${polled.serverPerMinute.toFixed(2)} CPU s/min, ${level.polling.rps.toFixed(0)} req/s (expected ${(level.open / 5).toFixed(0)}), p99 ${level.polling.p99.toFixed(0)} ms, ${level.polling.failed} failed`,
    );
  }
}

/** The run: database, Redis, one server, the generators; measures, writes the RESULTS section, cleans up. */
export async function runLiveBench(options: LiveBenchOptions, log: (line: string) => void): Promise<void> {
  const target = benchDatabase(options.databaseUrl, 'devflow_bench_live');
  const redisUrl = `${options.redisUrl.replace(/\/\d*$/, '')}/8`;
  const redis = createRedisCache({ url: redisUrl, prefix: '' });
  log(`live bench on ${target.url} + ${redisUrl}: levels ${options.levels.join(', ')}`);
  const loadAtStart = loadavg();
  await recreateBenchDatabase(target);
  await redis.redis?.flushdb();
  const nodeArgs = ['--expose-gc', '--import', './bench/live-gc.ts'];
  if (options.cpuProfDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  const generators: Generator[] = [];
  let server: RunningProcess | null = null;
  const started = now();
  try {
    server = await startProcess(
      'apps/server/src/main.ts',
      await freePort(),
      {
        DATABASE_URL: target.url,
        REDIS_URL: redisUrl,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        APP_SECRET: randomBytes(32).toString('hex'),
        DATA_DIR: '/tmp/devflow-bench-live-data',
        LIVE_BENCH_MEMORY_FILE: memoryFile,
        // The subscribers are distinct visitors behind one proxy (bench/live-load.ts sends X-Forwarded-For):
        // the per-IP and per-session stream limits apply to each as in production, at their defaults.
        TRUST_PROXY: '1',
        RATE_LIMITS: JSON.stringify({
          register: { points: 1e9, durationSeconds: 60 },
          writes: { points: 1e9, durationSeconds: 60 },
        }),
      },
      '/healthz',
      nodeArgs,
    );
    for (let i = 0; i < options.generators; i++) generators.push(Generator.start());
    const { token, questionId } = await setUp(server);
    const bench: Bench = {
      server,
      generators,
      questionId,
      token,
      options,
      log,
      written: 0,
      failedWrites: 0,
    };
    await answer(bench);
    const baseline = await settledMemory(bench);
    log(`  server RSS before subscribers: ${(baseline.rss / 1024 ** 2).toFixed(0)} MB`);
    // What the server spends with no client at all, on the same answers: neither live nor polling.
    const idle = await cpuWindow(bench, () => sleep(options.windowSeconds * 1000));
    log(`  no clients: server ${idle.serverPerMinute.toFixed(2)} CPU s/min`);
    const levels: Level[] = [];
    let failure: string | null = null;
    try {
      await measureLevels(bench, baseline, levels);
    } catch (error) {
      // What was measured before the failure is still written, with the failure.
      failure = String(error).slice(0, 300);
      log(`  the run failed: ${failure}`);
    }
    const seconds = (now() - started) / 1000;
    const notes = { failure, failedWrites: bench.failedWrites };
    writeSection(options, renderSection(options, levels, loadAtStart, seconds, baseline.rss, idle, notes));
    log(`wrote the live section of ${options.resultsFile} (${seconds.toFixed(0)} s)`);
  } finally {
    await Promise.all(generators.map((g) => g.stop()));
    await server?.stop();
    await redis.redis?.flushdb().catch(() => undefined);
    await redis.close();
    await dropBenchDatabase(target);
  }
}

const OPEN = '<!-- live section: bench/live.ts -->';
const CLOSE = '<!-- end of live section -->';

/** Rewrites the live section of the results file (before "## Runtime", or at the end the first time). */
function writeSection(options: LiveBenchOptions, section: string): void {
  const block = `${OPEN}\n${section}\n${CLOSE}`;
  const current = existsSync(options.resultsFile) ? readFileSync(options.resultsFile, 'utf8') : '';
  const from = current.indexOf(OPEN);
  const to = current.indexOf(CLOSE);
  let next: string;
  if (from >= 0 && to > from) next = `${current.slice(0, from)}${block}${current.slice(to + CLOSE.length)}`;
  else {
    const runtime = current.indexOf('\n## Runtime');
    next =
      runtime >= 0
        ? `${current.slice(0, runtime).trimEnd()}\n\n${block}\n${current.slice(runtime)}`
        : `${current.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(options.resultsFile, next);
}

const verdict = (pass: boolean) => (pass ? '**PASS**' : '**FAIL**');
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'n/a');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The markdown of the section: targets with verdicts, then one row per level. */
function renderSection(
  options: LiveBenchOptions,
  levels: Level[],
  loadAtStart: number[],
  seconds: number,
  baseline: number,
  idle: CpuWindow,
  notes: { failure: string | null; failedWrites: number },
): string {
  const top = levels.at(-1);
  const wanted = options.levels.at(-1) ?? 0;
  const held = top?.open ?? 0;
  // Per subscriber: the RSS delta over the open streams, and — since the baseline RSS still holds start-up
  // garbage that is given back later — the growth from the level below, whichever is larger.
  const below = levels.at(-2);
  const marginal =
    top && below && top.open > below.open
      ? (top.rssDeltaBytes - below.rssDeltaBytes) / (top.open - below.open)
      : Number.NaN;
  const perSubscriber = top
    ? Math.max(top.perSubscriberBytes, Number.isNaN(marginal) ? 0 : marginal)
    : Number.NaN;
  const memoryPass = top !== undefined && perSubscriber <= 30 * 1024;
  const deliveryPass = levels.every(
    (l) => l.fromCreated.p99 <= 1000 && l.delivered.startsWith(String(options.events)),
  );
  // What live and polling each cost: their window's server CPU less the same window with no client
  // (the answers posted every 5 s, the relay's poll, the job queue), which both windows include.
  const net = (perMinute: number) => Math.max(perMinute - idle.serverPerMinute, 0);
  const netRatio = (l: Level) =>
    l.polling ? net(l.live.serverPerMinute) / Math.max(net(l.polling.serverPerMinute), 1e-9) : Number.NaN;
  // Polling kept up when the server answered at least 95 % of the polls the clients sent; otherwise its CPU
  // is only what the server could give (a floor), and the level compares nothing.
  const keptUp = (l: Level) => l.polling !== null && l.polling.rps >= 0.95 * (l.open / 5);
  const measured = levels.filter(keptUp);
  const cpuPass = measured.length > 0 && measured.every((l) => netRatio(l) <= 0.1);
  // What one served poll cost where polling kept up, to say what the others would need.
  const healthy = measured[0];
  const perPoll =
    healthy?.polling && healthy.polling.rps > 0
      ? net(healthy.polling.serverPerMinute) / (healthy.polling.rps * 60)
      : Number.NaN;
  const ratio = (l: Level) => {
    if (!l.polling) return 'not measured';
    const whole = `whole server: ${(l.live.serverPerMinute / Math.max(l.polling.serverPerMinute, 1e-9)).toFixed(3)}×`;
    if (keptUp(l)) return `${netRatio(l).toFixed(3)}× (${whole})`;
    const needed = perPoll * (l.open / 5) * 60;
    return (
      `polling not served (${l.polling.rps.toFixed(0)} of ${(l.open / 5).toFixed(0)} req/s): ${netRatio(l).toFixed(3)}× against its floor; ` +
      (Number.isNaN(needed)
        ? 'no level to scale from'
        : `at the ${(perPoll * 1000).toFixed(2)} ms a poll cost at ${healthy?.open.toLocaleString('en-US')} it would need ${needed.toFixed(0)} CPU s/min: ${(net(l.live.serverPerMinute) / needed).toFixed(3)}×`)
    );
  };
  const polled = (l: Level) =>
    l.polling
      ? `${l.polling.serverPerMinute.toFixed(2)} / ${l.polling.generatorsPerMinute.toFixed(2)} | ${l.polling.rps.toFixed(0)} of ${(l.open / 5).toFixed(0)} (${ms(l.polling.p50)} / ${ms(l.polling.p99)})${l.polling.failed > 0 ? `, ${l.polling.failed} failed` : ''}`
      : 'not measured | not measured';
  const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' / ');
  const lines = [
    '## Live updates (`bench/live.ts`)',
    '',
    `Generated on ${new Date().toISOString()} in ${seconds.toFixed(0)} s by \`node --import tsx bench/live.ts\` ` +
      "(also the last step of `pnpm bench`; `LIVE_BENCH_MAX=<n>` caps the subscribers, see the file's header). " +
      `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 1024 ** 3)} GB, Node ${process.version}; ` +
      `load average (1 / 5 / 15 min) at the start ${load(loadAtStart)}, at the end ${load(loadavg())} ` +
      "(the machine is shared with other agents' test suites).",
    '',
    `One server process (\`apps/server/src/main.ts\` through tsx, PostgreSQL + Redis, \`NODE_ENV=production\`, ` +
      `\`LOG_LEVEL=warn\`, RSS ${(baseline / 1024 ** 2).toFixed(0)} MB before any subscriber); ${options.generators} ` +
      'load generator processes (bench/live-load.ts) open raw SSE streams to `live.question` of one question ' +
      '(plain HTTP GET, 200 at a time), each with its own `X-Forwarded-For` address (the server runs with ' +
      '`TRUST_PROXY=1`), so the stream limits per IP and per session stay at their defaults and apply to ' +
      `each visitor. At each level ${options.events} answers are posted one at a time through \`answer.create\`; ` +
      "delivery is the time from the answer's `createdAt` (set inside its transaction, so at or before the " +
      "commit: a conservative start) until the last subscriber's generator read the event (same clock). " +
      `Memory: server RSS after two full GCs (SIGUSR2 → \`gc()\`, bench/live-gc.ts), taken after the level's ` +
      `deliveries and live CPU window, minus the same before any subscriber, divided by the open streams; the ` +
      `V8 heap in use and V8's off-heap (\`external\`) memory the same way. CPU: /proc/<pid>/stat over a ${options.windowSeconds} s window ` +
      'with an answer posted every 5 s, once with the N streams open (live) and once, after closing them, ' +
      'with the same N clients polling `question.byId` every 5 s over keep-alive connections (polling); ' +
      `the same window with no client at all cost the server ${idle.serverPerMinute.toFixed(2)} CPU s/min ` +
      '(the answers, the relay, the job queue), which the CPU target subtracts from both sides: it compares ' +
      'what live delivery costs with what polling costs. The whole-server ratio is shown beside it.',
    '',
    '| target (issue 17) | measured | verdict |',
    '| --- | --- | --- |',
    `| ${wanted.toLocaleString('en-US')} subscribers in one process | ${held.toLocaleString('en-US')} open | ${verdict(held >= wanted)} |`,
    `| ≤ 30 KB per subscriber (at ${held.toLocaleString('en-US')}) | ${top ? `${kb(perSubscriber)} (RSS delta ${kb(top.perSubscriberBytes)} each; ${Number.isNaN(marginal) ? 'no level below' : `${kb(marginal)} each from ${below?.open.toLocaleString('en-US')} up`}; V8 heap ${kb(top.heapPerSubscriberBytes)} each)` : 'n/a'} | ${verdict(memoryPass)} |`,
    `| p99 delivery to all subscribers ≤ 1 s | ${levels.map((l) => `${l.open}: ${ms(l.fromCreated.p99)}`).join(', ')} | ${verdict(deliveryPass)} |`,
    `| live ≤ 1/10 of polling's server CPU (each less the no-client window), where polling kept up | ${levels.map((l) => `${l.open}: ${ratio(l)}`).join('; ')} | ${verdict(cpuPass)}${measured.length < levels.length ? ` (at ${measured.map((l) => l.open.toLocaleString('en-US')).join(', ') || 'no level'}; the others could not be served by polling)` : ''} |`,
    '',
    '| subscribers | open | RSS delta (per subscriber; of it V8 heap / external) | `createdAt` → last subscriber p50 / p99 / max | first → last subscriber p50 / p99 | response → last p50 / p99 | `answer.create` p50 (createdAt → response) | live: server / generators CPU s per min | polling: server / generators CPU s per min | polling req/s (p50 / p99) | load avg |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...levels.map(
      (l) =>
        `| ${l.subscribers.toLocaleString('en-US')} | ${l.open.toLocaleString('en-US')} | ${(l.rssDeltaBytes / 1024 ** 2).toFixed(0)} MB (${kb(l.perSubscriberBytes)}; ${kb(l.heapPerSubscriberBytes)} / ${kb(l.externalPerSubscriberBytes)}) | ` +
        `${ms(l.fromCreated.p50)} / ${ms(l.fromCreated.p99)} / ${ms(l.fromCreated.max)} (${l.delivered}) | ${ms(l.spread.p50)} / ${ms(l.spread.p99)} | ${ms(l.fromResponse.p50)} / ${ms(l.fromResponse.p99)} | ${ms(l.write.p50)} (${ms(l.write.createdToResponse)}) | ` +
        `${l.live.serverPerMinute.toFixed(2)} / ${l.live.generatorsPerMinute.toFixed(2)} | ${polled(l)} | ${l.load.toFixed(2)} |`,
    ),
  ];
  if (notes.failure) lines.push('', `**The run stopped early:** ${notes.failure}`);
  if (notes.failedWrites > 0)
    lines.push(
      '',
      `${notes.failedWrites} answers posted during the CPU windows failed (the server did not answer in time).`,
    );
  const refused = levels.flatMap((l) => l.failures);
  if (refused.length > 0)
    lines.push('', `Refused or failed streams (first few): ${refused.slice(0, 5).join('; ')}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runLiveBench(liveBenchOptions(process.env), (line) => process.stdout.write(`${line}\n`));
}
