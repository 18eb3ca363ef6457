/**
 * `pnpm bench [--quick] [--keep] [--reuse] [--only=<substring>] [--pool=<n>] [--cluster] [--no-live]`
 *
 * Creates a dedicated PostgreSQL database (`devflow_bench` on `DATABASE_URL`'s server, default
 * postgres://postgres@127.0.0.1:5432), seeds it, starts the real server twice (page cache on, page cache
 * off) and the bare baseline server, drives every scenario of bench/scenarios.ts with autocannon in a
 * separate process at 1, 16 and 64 connections, prints the ratios against their targets and writes
 * bench/RESULTS.md (with bench/thread-pages.ts's `reply.thread` page measurements, run first). `--reuse` keeps an already seeded database (same mode), `--keep` does not drop it
 * afterwards, `--cluster` also measures the server as a cluster of two workers. Then bench/live.ts
 * (live-update subscribers; `LIVE_BENCH_MAX` caps them; `--no-live` leaves it and its section as they
 * are) rewrites its own section of the results.
 */
import { spawnSync } from 'node:child_process';
import { liveBenchOptions, runLiveBench } from './live';
import { parseBenchOptions, runBench } from './runner';

const options = parseBenchOptions(process.argv.slice(2), process.env);
const log = (line: string) => process.stdout.write(`${line}\n`);
// `--only=live` runs the live-updates bench alone; any other `--only` leaves it out.
const liveOnly = options.only === 'live';
// `reply.thread` pages first (bench/thread-pages.ts, its own database): the report includes what it writes.
if (!options.only || options.only === 'thread-pages') {
  log('reply.thread pages (bench/thread-pages.ts):');
  const pages = spawnSync(process.execPath, ['--import', 'tsx', 'bench/thread-pages.ts'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  });
  if (pages.status !== 0)
    log(`  bench/thread-pages.ts failed (exit ${pages.status}); RESULTS.md keeps its last pages section`);
}
if (!liveOnly && options.only !== 'thread-pages') await runBench(options, log);
// Live updates last (bench/live.ts): its own database, server and load generator processes.
if ((!options.only || liveOnly) && !process.argv.includes('--no-live')) {
  log('\nlive updates (bench/live.ts):');
  await runLiveBench(liveBenchOptions(process.env, options.quick), log);
}
