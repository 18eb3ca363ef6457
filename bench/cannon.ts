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

/** What a run measures. */
export type CannonSpec = {
  url: string;
  levels: number[];
  /** Seconds per level. */
  duration: number;
  /** Seconds of unmeasured load before each level (JIT, pools, caches). */
  warmup: number;
  /** Seconds before a request counts as timed out. */
  timeout: number;
  requests: CannonRequest[];
};

/** Throughput and latency at one connection level. */
export type LevelResult = {
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
};

function run(spec: CannonSpec, connections: number, duration: number): Promise<autocannon.Result> {
  let next = 0;
  const pick = () => {
    const request = spec.requests[next % spec.requests.length];
    next += 1;
    if (!request) throw new Error('spec has no requests');
    return request;
  };
  return autocannon({
    url: spec.url,
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
  });
}

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cannon.ts <spec.json>');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as CannonSpec;
  for (const connections of spec.levels) {
    if (spec.warmup > 0) await run(spec, connections, spec.warmup);
    const result = await run(spec, connections, spec.duration);
    const line: LevelResult = {
      connections,
      rps: result.requests.total / Math.max(result.duration, 0.001),
      p50: result.latency.p50,
      p99: result.latency.p99,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

await main();
