/**
 * The production runtime compared with the development one: the compiled server (`apps/server/dist/main.js`,
 * `pnpm build`) and the TypeScript sources through tsx, each on Node 20 (this machine's) and Node 24 LTS
 * (`npx -y node@24`). For each: time from spawn to the first `/healthz` 200 on an empty PGlite data dir
 * (migrations included) and again on the migrated one, RSS when idle, and RSS and throughput under a
 * short autocannon load (`bench/cannon.ts`, its own process). Replaces the "## Runtime" section of
 * bench/RESULTS.md with the numbers and the load average seen beside each.
 *
 *   node --import tsx bench/runtime.ts   (build first: `pnpm --filter @devflow/server build`)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CannonSpec, LevelResult } from './cannon';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(root, 'apps/server/dist/main.js');

/** One way of running the server. */
type Runtime = { name: string; node: string; args: string[] };

/** What one runtime measured. */
type Measured = {
  runtime: string;
  version: string;
  firstStartMs: number;
  firstStartLoad: number;
  restartMs: number;
  restartLoad: number;
  idleRssMb: number;
  loadRssMb: number;
  peakRssMb: number;
  rps: number;
  p99: number;
  loadDuringLoad: number;
};

const megabytes = (kb: number) => Math.round(kb / 1024);

/** A field of /proc/<pid>/status in kB (VmRSS, VmHWM). */
function statusKb(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((row) => row.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN);
}

/** Starts a server and resolves with it and the milliseconds until `/healthz` answered 200. */
async function start(
  runtime: Runtime,
  dataDir: string,
  port: number,
): Promise<{ child: ChildProcess; ms: number }> {
  const started = performance.now();
  const child = spawn(runtime.node, runtime.args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${runtime.name} exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return { child, ms: performance.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${runtime.name}: no /healthz within 300 s`);
}

/** Stops a server and waits for it to exit. */
async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Runs `bench/cannon.ts` against the server: 16 connections, a tRPC read and `/healthz`. */
function load(url: string, pid: number): LevelResult {
  const spec: CannonSpec = {
    targets: [
      {
        url,
        pid,
        requests: [
          { method: 'GET', path: '/trpc/question.list?input=%7B%7D' },
          { method: 'GET', path: '/healthz' },
        ],
      },
    ],
    rounds: 1,
    levels: [16],
    duration: 8,
    warmup: 2,
    timeout: 10,
  };
  const specFile = join(mkdtempSync(join(tmpdir(), 'devflow-runtime-')), 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/cannon.ts', specFile], {
    cwd: root,
    encoding: 'utf8',
  });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '{}') as LevelResult;
}

/** Measures one runtime. */
async function measure(runtime: Runtime, port: number): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'devflow-runtime-data-'));
  try {
    const firstStartLoad = loadavg()[0] ?? 0;
    const first = await start(runtime, dataDir, port);
    await stop(first.child);
    const restartLoad = loadavg()[0] ?? 0;
    const again = await start(runtime, dataDir, port);
    const pid = again.child.pid ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleRssMb = megabytes(statusKb(pid, 'VmRSS'));
    const loadDuringLoad = loadavg()[0] ?? 0;
    const result = load(`http://127.0.0.1:${port}`, pid);
    const loadRssMb = megabytes(statusKb(pid, 'VmRSS'));
    const peakRssMb = megabytes(statusKb(pid, 'VmHWM'));
    await stop(again.child);
    const version = execFileSync(runtime.node, ['-v'], { encoding: 'utf8' }).trim();
    return {
      runtime: runtime.name,
      version,
      firstStartMs: first.ms,
      firstStartLoad,
      restartMs: again.ms,
      restartLoad,
      idleRssMb,
      loadRssMb,
      peakRssMb,
      rps: result.rps,
      p99: result.p99,
      loadDuringLoad,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (!existsSync(compiled)) throw new Error('build first: pnpm --filter @devflow/server build');
const node24 = execFileSync('npx', ['-y', 'node@24', '-p', 'process.execPath'], { encoding: 'utf8' }).trim();
const runtimes: Runtime[] = [];
for (const [label, node] of [
  ['Node 20', process.execPath],
  ['Node 24', node24],
] as const) {
  runtimes.push({ name: `compiled, ${label}`, node, args: [compiled] });
  runtimes.push({ name: `tsx, ${label}`, node, args: ['--import', 'tsx', 'apps/server/src/main.ts'] });
}
const results: Measured[] = [];
for (const [index, runtime] of runtimes.entries()) {
  const measured = await measure(runtime, 3400 + index);
  console.log(JSON.stringify(measured));
  results.push(measured);
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const rows = results.map(
  (r) =>
    `| ${r.runtime} (${r.version}) | ${seconds(r.firstStartMs)} s (load ${r.firstStartLoad.toFixed(1)}) | ` +
    `${seconds(r.restartMs)} s (load ${r.restartLoad.toFixed(1)}) | ${r.idleRssMb} MB | ${r.loadRssMb} MB ` +
    `(peak ${r.peakRssMb} MB) | ${Math.round(r.rps)} req/s, p99 ${r.p99} ms (load ${r.loadDuringLoad.toFixed(1)}) |`,
);
const table = [
  `Measured by \`bench/runtime.ts\` on ${new Date().toISOString()} (2 shared cores; the 1-minute load`,
  'average is given beside each number: other engineers ran their suites at the same time). PGlite in a',
  'temporary data dir, in-memory cache, `LOG_LEVEL=warn`. Load: 16 connections for 8 s after 2 s of',
  'warm-up, alternating `question.list` (empty database) and `/healthz`.',
  '',
  '| runtime | first start to `/healthz` 200 (migrations) | restart to `/healthz` 200 | RSS idle | RSS after load | under load |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n');
// The table sits between two markers in RESULTS.md's "Runtime" section; the text around it is hand-written.
const resultsFile = join(root, 'bench/RESULTS.md');
const current = readFileSync(resultsFile, 'utf8');
const [open, close] = ['<!-- runtime table: bench/runtime.ts -->', '<!-- end of runtime table -->'];
const block = `${open}\n${table}\n${close}`;
const from = current.indexOf(open);
const to = current.indexOf(close);
writeFileSync(
  resultsFile,
  from >= 0 && to > from
    ? `${current.slice(0, from)}${block}${current.slice(to + close.length)}`
    : `${current.trimEnd()}\n\n## Runtime\n\n${block}\n`,
);
console.log(table);
