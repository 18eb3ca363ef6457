/**
 * `pnpm bench [--quick] [--keep] [--reuse] [--only=<substring>] [--pool=<n>] [--cluster]`
 *
 * Creates a dedicated PostgreSQL database (`devflow_bench` on `DATABASE_URL`'s server, default
 * postgres://postgres@127.0.0.1:5432), seeds it, starts the real server twice (page cache on, page cache
 * off) and the bare baseline server, drives every scenario of bench/scenarios.ts with autocannon in a
 * separate process at 1, 16 and 64 connections, prints the ratios against their targets and writes
 * bench/RESULTS.md. `--reuse` keeps an already seeded database (same mode), `--keep` does not drop it
 * afterwards, `--cluster` also measures the server as a cluster of two workers.
 */
import { parseBenchOptions, runBench } from './runner';

await runBench(parseBenchOptions(process.argv.slice(2), process.env), (line) =>
  process.stdout.write(`${line}\n`),
);
