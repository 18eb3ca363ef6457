/**
 * Where a request's CPU goes, full stack against its bare twin: for each read scenario below, starts the
 * uncached server and the bare baseline with `--cpu-prof` (one process per scenario and side, so a
 * profile holds one scenario), drives it with autocannon at 16 connections, and sums the profile's
 * samples taken during the measured window by where they ran (a package, the app's own packages,
 * garbage collection, the socket writes), per completed request. Prints a markdown table per scenario
 * (bench/NOTES.md quotes them). Needs the database `pnpm bench --keep` left (`devflow_bench`).
 *
 *   node --import tsx bench/profile.ts
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDatabase } from './database';
import { runLoad, startProcess } from './processes';
import { bare, get } from './requests';
import { parseBenchOptions, serverSpecs } from './runner';
import { HOT_IDS } from './scenarios';

/** The node of a V8 CPU profile (`.cpuprofile`) this script reads. */
type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
};

type CpuProfile = { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] };

/** Where a sample ran: the package of its innermost frame, the app's own code, or the engine. */
function categoryOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName || '(native)';
  const pkg = /node_modules\/\.pnpm\/(@?[^@/]+(?:\+[^@/]+)?)@/.exec(url);
  if (pkg?.[1]) return pkg[1].replace('+', '/');
  const app = /\/(packages|apps|bench)\/([^/]+)\//.exec(url);
  if (app) return `DevFlow ${app[1]}/${app[2]}`;
  if (url.startsWith('node:internal/deps/undici')) return 'undici (Node)';
  if (url.startsWith('node:')) return 'Node.js internals';
  return url.split('/').slice(-2).join('/');
}

/** Microseconds of CPU per category spent between `from` and `to` (monotonic µs, the profile's clock). */
function categorize(profile: CpuProfile, from: number, to: number): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const frame = byId.get(id)?.callFrame;
    if (!frame || at < from || at > to || frame.functionName === '(idle)') return;
    const category = categoryOf(frame);
    totals.set(category, (totals.get(category) ?? 0) + delta);
  });
  return totals;
}

/** The monotonic clock in µs (the clock V8 stamps profile samples with). */
const now = () => Number(process.hrtime.bigint() / 1000n);

type Side = { name: string; server: 'uncached' | 'bare'; path: () => ReturnType<typeof get>[] };

/** The read scenarios profiled: the procedure on the uncached server and its bare twin. */
const SCENARIOS: { name: string; sides: [Side, Side] }[] = [
  {
    name: 'question.byId',
    sides: [
      {
        name: 'full stack',
        server: 'uncached',
        path: () => HOT_IDS.map((id) => get('question.byId', { id: String(id) })),
      },
      { name: 'bare twin', server: 'bare', path: () => HOT_IDS.map((id) => bare(`question.byId?id=${id}`)) },
    ],
  },
  {
    name: 'question.list page 1',
    sides: [
      { name: 'full stack', server: 'uncached', path: () => [get('question.list', { sort: 'newest' })] },
      { name: 'bare twin', server: 'bare', path: () => [bare('list-first')] },
    ],
  },
  {
    name: 'user.byUsername',
    sides: [
      {
        name: 'full stack',
        server: 'uncached',
        path: () =>
          Array.from({ length: 100 }, (_, i) => get('user.byUsername', { username: `user${i + 1}` })),
      },
      {
        name: 'bare twin',
        server: 'bare',
        path: () => Array.from({ length: 100 }, (_, i) => bare(`user?username=user${i + 1}`)),
      },
    ],
  },
];

const options = parseBenchOptions(process.argv.slice(2), process.env);
const target = benchDatabase(options.databaseUrl);
const specs = serverSpecs(options, target.url, `${options.redisUrl.replace(/\/\d*$/, '')}/7`);
const LOAD = { levels: [16], duration: 10, warmup: 2, timeout: 30 };

for (const scenario of SCENARIOS) {
  const columns: { name: string; requests: number; totals: Map<string, number> }[] = [];
  for (const side of scenario.sides) {
    const dir = mkdtempSync(join(tmpdir(), 'devflow-profile-'));
    const spec = specs[side.server];
    const server = await startProcess(spec.script, spec.port, spec.env, '/healthz', [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
    ]);
    let requests = 0;
    let from = 0;
    let to = 0;
    try {
      const warm = side.path();
      await runLoad([{ url: server.url, requests: warm }], { ...LOAD, duration: LOAD.warmup, warmup: 0 });
      from = now();
      const [level] = await runLoad([{ url: server.url, requests: warm }], { ...LOAD, warmup: 0 });
      to = now();
      requests = level?.requests ?? 0;
    } finally {
      await server.stop();
    }
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    const profile = file ? (JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile) : null;
    rmSync(dir, { recursive: true, force: true });
    columns.push({ name: side.name, requests, totals: profile ? categorize(profile, from, to) : new Map() });
  }
  const perRequest = (column: (typeof columns)[number], category: string) =>
    column.requests > 0 ? (column.totals.get(category) ?? 0) / column.requests : 0;
  const [stack] = columns;
  const categories = [...new Set(columns.flatMap((column) => [...column.totals.keys()]))].sort((a, b) =>
    stack ? perRequest(stack, b) - perRequest(stack, a) : 0,
  );
  const lines = [
    `#### ${scenario.name}: server CPU per request by where it ran (µs; 16 connections, ${LOAD.duration} s)`,
    '',
    `| where | ${columns.map((c) => `${c.name} (${c.requests} requests)`).join(' | ')} |`,
    `| --- | ${columns.map(() => '---:').join(' | ')} |`,
  ];
  for (const category of categories) {
    const cells = columns.map((column) => perRequest(column, category));
    if (cells.every((cell) => cell < 5)) continue;
    lines.push(`| ${category} | ${cells.map((cell) => cell.toFixed(0)).join(' | ')} |`);
  }
  const totals = columns.map((column) =>
    column.requests > 0 ? [...column.totals.values()].reduce((sum, v) => sum + v, 0) / column.requests : 0,
  );
  lines.push(`| **all** | ${totals.map((total) => `**${total.toFixed(0)}**`).join(' | ')} |`, '');
  process.stdout.write(`${lines.join('\n')}\n`);
}
