/**
 * The real server under `node:cluster`: `WORKERS` processes (default: one per core) share one port.
 * A bench-only experiment to measure whether cluster mode pays on this machine before the server
 * adopts it; each worker is exactly `apps/server/src/main.ts` with its own pool and cache connection.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';

const workers = Number(process.env.WORKERS ?? availableParallelism());

if (cluster.isPrimary) {
  for (let i = 0; i < workers; i += 1) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
  });
} else {
  await import('../apps/server/src/main');
}
