import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The real server (`src/main.ts`) running as a child process, with everything it printed. */
export type ChildServer = {
  url: string;
  child: ChildProcess;
  /** Everything written to stdout and stderr so far (pino JSON lines). */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Kills the process hard if it is still running. */
  kill(): void;
};

/** Options of `spawnServer`. */
export type SpawnOptions = {
  /** How long to wait for the "listening" line. */
  timeoutMs?: number;
  /** Flags for `node` before the script, e.g. `--stack-size=400` to run with less stack than the default. */
  nodeArgs?: readonly string[];
  /** A compiled server to run with plain `node` (a `main.js` written by `scripts/build.mjs`) instead of `src/main.ts`. */
  compiled?: string;
};

/**
 * Starts `src/main.ts` (through `node --import tsx`, the same code `pnpm build` compiles) or a compiled
 * `main.js`, with only the given environment (plus PATH), and waits for its "listening" log line.
 */
export async function spawnServer(
  env: Record<string, string>,
  { timeoutMs = 60_000, nodeArgs = [], compiled }: SpawnOptions = {},
): Promise<ChildServer> {
  const serverDir = fileURLToPath(new URL('../..', import.meta.url));
  const script = compiled ? [compiled] : ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, [...nodeArgs, ...script], {
    cwd: serverDir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line in: ${output}`)), timeoutMs);
    const check = () => {
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"listening"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
