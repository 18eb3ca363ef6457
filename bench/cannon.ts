/**
 * The load generator, run as its own process (`node --import tsx bench/cannon.ts spec.json`) so that
 * autocannon's work is not counted against the server it measures. It reads a `CannonSpec`, runs
 * autocannon once per connection level, and prints one JSON `LevelResult` per line.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/** One HTTP request the generator may send; requests are sent round-robin across all connections. */
export type CannonRequest = {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
};

/** One server and the requests sent to it; with `pid`, the server process's CPU time is measured too. */
export type CannonTarget = { url: string; requests: CannonRequest[]; pid?: number };

/**
 * What a run measures. With several `targets`, each level alternates between them `rounds` times (A B
 * A B …) so that a ratio between targets is not skewed by noise that comes and goes on a shared machine.
 */
export type CannonSpec = {
  targets: CannonTarget[];
  rounds: number;
  levels: number[];
  /** Seconds per level. */
  duration: number;
  /** Seconds of unmeasured load before each level (JIT, pools, caches). */
  warmup: number;
  /** Seconds before a request counts as timed out. */
  timeout: number;
};

/** Throughput and latency at one connection level (of target number `target`). */
export type LevelResult = {
  target: number;
  connections: number;
  rps: number;
  p50: number;
  /** 95th percentile of latency in ms, from every response of the level (autocannon reports no p95). */
  p95: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU time the server process spent per completed request (user + system), when its pid is known. */
  cpuMsPerRequest: number | null;
};

/** Milliseconds of CPU (user + system) a process has used so far, from /proc; null when unreadable. */
function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name (which may contain spaces): utime and stime are fields 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture we run on. */
const CLOCK_TICKS = 100;

/**
 * How many requests each target has been sent so far: every window goes on where the one before it
 * stopped, so a list of writes is worked through once before any request repeats.
 */
const sent = new Map<CannonTarget, number>();

/** The `q`-quantile (0…1) of sorted values, by the nearest-rank method; 0 when there are none. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** One autocannon window against `target`, with the latency of every response it received (ms). */
function run(
  spec: CannonSpec,
  target: CannonTarget,
  connections: number,
  duration: number,
): Promise<{ result: autocannon.Result; latencies: number[] }> {
  const pick = () => {
    const next = sent.get(target) ?? 0;
    const request = target.requests[next % target.requests.length];
    sent.set(target, next + 1);
    if (!request) throw new Error('spec has no requests');
    return request;
  };
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const tracker = autocannon(
      {
        url: target.url,
        connections,
        duration,
        timeout: spec.timeout,
        requests: [
          {
            setupRequest: (req) => {
              const request = pick();
              return {
                ...req,
                method: request.method,
                path: request.path,
                body: request.body,
                headers: { 'content-type': 'application/json', ...request.headers },
              };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ result, latencies })),
    );
    tracker.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cannon.ts <spec.json>');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as CannonSpec;
  for (const connections of spec.levels) {
    const totals = spec.targets.map(() => ({
      requests: 0,
      seconds: 0,
      latencies: [] as number[],
      non2xx: 0,
      errors: 0,
      timeouts: 0,
      cpu: 0 as number | null,
    }));
    for (let round = 0; round < spec.rounds; round += 1) {
      for (const [i, target] of spec.targets.entries()) {
        if (spec.warmup > 0 && round === 0) await run(spec, target, connections, spec.warmup);
        const cpuBefore = cpuMs(target.pid);
        const { result, latencies } = await run(spec, target, connections, spec.duration / spec.rounds);
        const cpuAfter = cpuMs(target.pid);
        const total = totals[i];
        if (!total) continue;
        total.cpu =
          total.cpu === null || cpuBefore === null || cpuAfter === null
            ? null
            : total.cpu + cpuAfter - cpuBefore;
        total.requests += result.requests.total;
        total.seconds += result.duration;
        for (const latency of latencies) total.latencies.push(latency);
        total.non2xx += result.non2xx;
        total.errors += result.errors;
        total.timeouts += result.timeouts;
      }
    }
    for (const [target, total] of totals.entries()) {
      // Percentiles over every response of every round of the level.
      const sorted = total.latencies.sort((a, b) => a - b);
      const ms = (q: number) => Math.round(quantile(sorted, q) * 10) / 10;
      const line: LevelResult = {
        target,
        connections,
        rps: total.requests / Math.max(total.seconds, 0.001),
        p50: ms(0.5),
        p95: ms(0.95),
        p99: ms(0.99),
        requests: total.requests,
        non2xx: total.non2xx,
        errors: total.errors,
        timeouts: total.timeouts,
        cpuMsPerRequest: total.cpu === null || total.requests === 0 ? null : total.cpu / total.requests,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
}

await main();
