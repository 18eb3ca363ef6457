import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmptyPostgresDatabase } from '@devflow/db/testing';
import { build } from 'vite';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** The web app's folder (Vite root). */
export const webRoot = join(repoRoot, 'apps/web');

/** A running DevFlow server started as command 1 starts it. */
export type RunningServer = {
  /** e.g. http://127.0.0.1:41234 — also the server's PUBLIC_URL, so browser Origins match. */
  url: string;
  /** The mail outbox file (one JSON line per mail, with the OTP `code`). */
  outbox: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
};

/** A free TCP port on 127.0.0.1 (the server needs it up front: PUBLIC_URL must name the real port). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Builds `apps/web/dist` exactly like `pnpm --filter @devflow/web build` (same Vite config). */
export async function buildWebApp(): Promise<void> {
  await build({ root: webRoot, logLevel: 'warn', configFile: join(webRoot, 'vite.config.ts') });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The server did not become healthy in 150 s:\n${output()}`);
}

/**
 * Builds the web app, then runs the real server (`node --import tsx apps/server/src/main.ts`, what
 * `pnpm start` runs) on a free port with a fresh database: embedded PGlite in a temp dir, or — when
 * `DATABASE_URL` is set — a private PostgreSQL database created for this run and dropped after it.
 * The cache stays in memory: a shared Redis would carry rate-limit counters (registrations per IP)
 * from one run to the next.
 */
export async function startServer(): Promise<RunningServer> {
  await buildWebApp();
  const dataDir = await mkdtemp(join(tmpdir(), 'devflow-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const outbox = join(dataDir, 'outbox.jsonl');
  const postgres = await createEmptyPostgresDatabase();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    DATA_DIR: dataDir,
    MAIL_OUTBOX: outbox,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  };
  if (postgres) env.DATABASE_URL = postgres.url;
  else delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const output = () => log.slice(-8000);
  // If the test process ends without `stop()` (a timed-out hook, a crash), the server goes with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
    await postgres?.drop();
  };
  try {
    await waitForHealth(url, child, output);
    const health: unknown = await (await fetch(`${url}/healthz`)).json();
    const expected = postgres ? 'postgres' : 'pglite';
    if (!health || typeof health !== 'object' || !('db' in health) || health.db !== expected) {
      throw new Error(`The server runs on ${JSON.stringify(health)}, expected db "${expected}".`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, outbox, output, stop };
}

async function readMails(outbox: string): Promise<unknown[]> {
  try {
    const text = await readFile(outbox, 'utf8');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line): unknown => JSON.parse(line));
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
}

/** How many mails the outbox holds now (pass it to {@link waitForCode} before triggering a mail). */
export async function mailCount(outbox: string): Promise<number> {
  return (await readMails(outbox)).length;
}

/**
 * The OTP code of the first mail to `email` after the first `after` mails of the outbox, waiting for it
 * (code mails are jobs of the server's queue: they arrive after the answer).
 */
export async function waitForCode(outbox: string, email: string, after: number): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    for (const mail of (await readMails(outbox)).slice(after)) {
      if (mail && typeof mail === 'object' && 'to' in mail && 'code' in mail && mail.to === email) {
        if (typeof mail.code === 'string') return mail.code;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`No new mail with a code for ${email} in ${outbox} after 20 s`);
}
