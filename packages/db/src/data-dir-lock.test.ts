import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DATA_DIR_LOCK_FILE, DataDirLockedError } from './data-dir-lock';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'devflow-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function writeLock(dir: string, pid: number): void {
  const holder = { pid, hostname: hostname(), command: 'src/main.ts', since: new Date().toISOString() };
  writeFileSync(join(dir, DATA_DIR_LOCK_FILE), JSON.stringify(holder));
}

describe('the data dir lock', () => {
  it('writes the holder pid and removes the file on release', () => {
    const dir = freshDir();
    const release = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    release();
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
  });

  it('refuses a data dir a live process holds, naming that process', () => {
    const dir = freshDir();
    writeLock(dir, process.ppid);
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dir)).toThrow(`is in use by process ${process.ppid}`);
    // The holder's file is left alone.
    expect(JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.ppid,
    });
  });

  it('takes over a lock whose process is gone (killed without cleaning up)', () => {
    const dir = freshDir();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeLock(dir, gone);
    const release = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    release();
  });
});
