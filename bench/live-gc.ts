import { writeFileSync } from 'node:fs';

/**
 * Preloaded into the server bench/live.ts measures (`--expose-gc --import ./bench/live-gc.ts`): a full
 * garbage collection on SIGUSR2, so that the resident memory read from /proc after it has settled; the
 * V8 heap and off-heap (`external`) sizes after it go to `LIVE_BENCH_MEMORY_FILE` when set.
 */
process.on('SIGUSR2', () => {
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc === 'function') gc();
  const file = process.env.LIVE_BENCH_MEMORY_FILE;
  if (file) writeFileSync(file, JSON.stringify(process.memoryUsage()));
});
