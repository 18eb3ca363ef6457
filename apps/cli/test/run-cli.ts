import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/devflow.mjs', import.meta.url));

/** What a finished `devflow` process left behind. */
export type CliRun = { code: number | null; stdout: string; stderr: string };

/** Options of one CLI run: environment on top of a clean one, and stdin. */
export type CliRunOptions = { env?: Record<string, string>; input?: string; configDir: string };

/**
 * Runs the real `devflow` command as a subprocess (asynchronously, so a test server in this process keeps
 * answering) with its own config dir, and collects its exit code and output.
 */
export function runCli(args: string[], options: CliRunOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: options.configDir,
        DEVFLOW_CONFIG_DIR: options.configDir,
        NO_COLOR: '1',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh config dir (where the CLI keeps credentials.json). */
export function tempConfigDir(): string {
  return mkdtempSync(join(tmpdir(), 'devflow-cli-'));
}

/** A URL on which nothing listens (a port that was just free). */
export async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 9;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
