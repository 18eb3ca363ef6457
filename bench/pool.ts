/**
 * `pnpm bench:pool` — the postgres.js pool under sustained load, with and without DevFlow's patch of its
 * connection queue (`patches/postgres@3.4.9.patch`).
 *
 * postgres.js 3.4.9 keeps its connections in array-backed queues. `shift` leaves a hole in front, and
 * the queue of busy connections never empties under steady load, so it collects one hole per query and
 * every `remove` scans them all: the CPU a query costs grows with the number of queries the process has
 * served. Two measurements, each against a baseline from the same run:
 * 1. The queue alone, replaying the pool's pattern (take the oldest busy connection, put it back, move
 *    one out): the last batch of operations against the first, for 3.4.9's queue and the patched one.
 * 2. The real, patched client: CPU per `select 1` in the last batch of 160,000 queries (16 in flight,
 *    10 connections) against the first — it must stay flat.
 *
 * Env: `DATABASE_URL` (default the local test database).
 */
import postgres from 'postgres';

type Queue<T> = { length: number; push(x: T): T; shift(): T | undefined; remove(x: T): T | null };

/**
 * postgres.js 3.4.9's `src/queue.js`, as published, or with DevFlow's patch: `remove` searches from the
 * head, and `shift` drops the holes once they are most of the array.
 */
function connectionQueue<T>(patched: boolean): Queue<T> {
  let xs: (T | undefined)[] = [];
  let index = 0;
  return {
    get length() {
      return xs.length - index;
    },
    remove: (x) => {
      const at = xs.indexOf(x, patched ? index : 0);
      if (at === -1) return null;
      xs.splice(at, 1);
      return x;
    },
    push: (x) => {
      xs.push(x);
      return x;
    },
    shift: () => {
      const out = xs[index++];
      if (index === xs.length) {
        index = 0;
        xs = [];
      } else if (patched && index >= 1024 && index * 2 >= xs.length) {
        xs = xs.slice(index);
        index = 0;
      } else {
        xs[index - 1] = undefined;
      }
      return out;
    },
  };
}

/** Milliseconds per batch of the pool's pattern on a busy queue of 10 connections. */
function replay(queue: Queue<object>, batches: number, perBatch: number): number[] {
  const connections = Array.from({ length: 10 }, () => ({}));
  for (const c of connections) queue.push(c);
  const times: number[] = [];
  for (let b = 0; b < batches; b += 1) {
    const started = performance.now();
    for (let i = 0; i < perBatch; i += 1) {
      const c = queue.shift() as object; // a query takes the oldest busy connection…
      queue.push(c); // …which stays busy
      queue.remove(c); // one finishes and moves to the idle queue…
      queue.push(c); // …and is taken again
    }
    times.push(performance.now() - started);
  }
  return times;
}

const verdict = (ratio: number, max: number) =>
  `${ratio.toFixed(2)}× (target ≤ ${max}×: ${ratio <= max ? 'PASS' : 'FAIL'})`;

const batches = 8;
const perBatch = 20_000;
const published = replay(connectionQueue(false), batches, perBatch);
const patched = replay(connectionQueue(true), batches, perBatch);
const last = (xs: number[]) => xs[xs.length - 1] ?? 0;
const first = (xs: number[]) => Math.max(xs[1] ?? 0, 0.001); // batch 0 includes JIT warm-up
console.log(`queue replay, ${batches} × ${perBatch.toLocaleString('en-US')} operations (ms per batch):`);
console.log(
  `  3.4.9 as published: ${published.map((t) => t.toFixed(1)).join(' ')}  last/first ${(last(published) / first(published)).toFixed(1)}×`,
);
console.log(
  `  patched:            ${patched.map((t) => t.toFixed(1)).join(' ')}  last/first ${verdict(last(patched) / first(patched), 1.5)}`,
);

const sql = postgres(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', {
  max: 10,
  onnotice: () => {},
});
const cpu: number[] = [];
for (let b = 0; b < batches; b += 1) {
  const before = process.cpuUsage();
  let sent = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent < perBatch) {
        sent += 1;
        await sql`select 1 as x`;
      }
    }),
  );
  const used = process.cpuUsage(before);
  cpu.push((used.user + used.system) / perBatch);
}
await sql.end({ timeout: 5 });
console.log(
  `postgres.js (patched), ${batches} × ${perBatch.toLocaleString('en-US')} queries, CPU µs per query:`,
);
console.log(
  `  ${cpu.map((t) => t.toFixed(1)).join(' ')}  last/first ${verdict(last(cpu) / first(cpu), 1.25)}`,
);
