import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CannonSpec, CannonTarget, LevelResult } from './cannon';

/** A server process the bench started, its last stderr output, and how to stop it. */
export type RunningProcess = { url: string; child: ChildProcess; stderr(): string; stop(): Promise<void> };

const root = new URL('..', import.meta.url).pathname;

/** Resolves once `url` answers 200, or throws after `timeoutMs` (with the process' stderr). */
async function waitForHealth(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${stderr()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`server at ${url} did not become healthy: ${stderr()}`);
}

/**
 * Starts `node --import tsx [nodeArgs] <script>` with `env` on `port` and waits for `healthPath` to
 * answer (`nodeArgs`: e.g. `--expose-gc`, `--cpu-prof`).
 */
export async function startProcess(
  script: string,
  port: number,
  env: Record<string, string>,
  healthPath = '/healthz',
  nodeArgs: readonly string[] = [],
): Promise<RunningProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, script], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const taken = await fetch(`${url}${healthPath}`).then(
    () => true,
    () => false,
  );
  if (taken) {
    child.kill('SIGTERM');
    throw new Error(`port ${port} is already in use (a server left from an earlier run?)`);
  }
  await waitForHealth(`${url}${healthPath}`, child, () => errors);
  return {
    url,
    child,
    stderr: () => errors,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Timing of one autocannon run. */
export type LoadOptions = { levels: number[]; duration: number; warmup: number; timeout: number };

/**
 * Runs bench/cannon.ts in its own process against the targets (interleaved, `rounds` times per level)
 * and returns one result per target and connection level.
 */
export async function runLoad(
  targets: CannonTarget[],
  options: LoadOptions,
  rounds = 1,
): Promise<LevelResult[]> {
  const spec: CannonSpec = { targets, rounds, ...options };
  const specDir = mkdtempSync(join(tmpdir(), 'devflow-bench-'));
  const file = join(specDir, 'spec.json');
  writeFileSync(file, JSON.stringify(spec));
  let out = '';
  let err = '';
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/cannon.ts', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`autocannon process failed (${code}): ${err.slice(-2000)}`);
  } finally {
    rmSync(specDir, { recursive: true, force: true });
  }
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LevelResult);
}
