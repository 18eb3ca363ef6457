/**
 * Preloaded into the server bench/live.ts measures (`--expose-gc --import ./bench/live-gc.ts`): a full
 * garbage collection on SIGUSR2, so that the resident memory read from /proc after it has settled.
 */
process.on('SIGUSR2', () => {
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc === 'function') gc();
});
