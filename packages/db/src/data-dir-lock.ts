import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** Name of the lock file a process holding an embedded data dir writes into it. */
export const DATA_DIR_LOCK_FILE = 'devflow.lock';

/** What the lock file records about its holder. */
export type DataDirLockHolder = { pid: number; hostname: string; command: string; since: string };

/**
 * Thrown when another live process (a running server, a `devflow backup`…) holds the data dir. PGlite is
 * one process: a second one opening the same files would corrupt them.
 */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirLockHolder,
  ) {
    super(
      `The data dir ${dataDir} is in use by process ${holder.pid} on ${holder.hostname} (${holder.command}, since ${holder.since}). ` +
        'Embedded PGlite serves one process at a time: stop that process first' +
        ` (if it is gone for sure, delete ${join(dataDir, DATA_DIR_LOCK_FILE)}).`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** Held locks of this process, by absolute data dir, counted (one process may open a dir twice). */
const held = new Map<string, number>();
let exitHookInstalled = false;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): DataDirLockHolder | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { pid?: unknown }).pid === 'number') {
      const record = parsed as Partial<DataDirLockHolder> & { pid: number };
      return {
        pid: record.pid,
        hostname: typeof record.hostname === 'string' ? record.hostname : 'unknown host',
        command: typeof record.command === 'string' ? record.command : 'unknown command',
        since: typeof record.since === 'string' ? record.since : 'unknown time',
      };
    }
  } catch {
    // Missing or half-written: treated as no holder.
  }
  return null;
}

/**
 * Takes the lock on `dataDir` for this process: writes `devflow.lock` (pid, host, command) with an
 * exclusive create. A lock left by a process that no longer runs on this host is taken over; a live
 * holder (or one on another host, whose liveness cannot be checked) makes it throw `DataDirLockedError`.
 * Returns the release function (also run when the process exits).
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const dir = resolve(dataDir);
  const file = join(dir, DATA_DIR_LOCK_FILE);
  const count = held.get(dir) ?? 0;
  if (count === 0) {
    const me: DataDirLockHolder = {
      pid: process.pid,
      hostname: hostname(),
      command: process.argv.slice(1, 4).join(' ') || 'node',
      since: new Date().toISOString(),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 3) throw error;
        const holder = readHolder(file);
        const stale =
          holder === null ||
          holder.pid === process.pid ||
          (holder.hostname === me.hostname && !isAlive(holder.pid));
        if (!stale) throw new DataDirLockedError(dataDir, holder);
        try {
          unlinkSync(file);
        } catch {
          // Someone else removed it first; the next exclusive create decides.
        }
      }
    }
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', releaseAll);
    }
  }
  held.set(dir, count + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (held.get(dir) ?? 1) - 1;
    if (left > 0) {
      held.set(dir, left);
      return;
    }
    held.delete(dir);
    removeIfMine(file);
  };
}

function removeIfMine(file: string): void {
  if (readHolder(file)?.pid !== process.pid) return;
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

function releaseAll(): void {
  for (const dir of held.keys()) removeIfMine(join(dir, DATA_DIR_LOCK_FILE));
  held.clear();
}
