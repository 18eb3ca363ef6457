import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDevflowClient } from '@devflow/client';
import { startTestServer, type TestServer } from '@devflow/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const MARKER = 'apps/cli/test/readme-cli.test.ts';
const PASSWORDS: Record<string, string> = {
  ada: 'correct horse battery staple',
  bob: 'another horse, another staple',
};

/**
 * The commands of the README's CLI block: the ```sh block after the comment naming this file, with
 * backslash-continued lines joined (as the shell joins them).
 */
function readmeCliLines(readme: string): string[] {
  const start = readme.indexOf(MARKER);
  if (start < 0) throw new Error(`README.md has no comment naming ${MARKER} before its CLI block`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start))?.[1];
  if (block === undefined) throw new Error('README.md has no ```sh block after the CLI marker');
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

/** Finds an executable on this process's PATH (only to link it into the newcomer's PATH). */
function which(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return path;
  }
  throw new Error(`${name} is not on PATH`);
}

/**
 * A PATH that holds only what a machine with nothing but Node has: `node`, `npm` and `npx` (npm ships
 * with Node), and `sh` to run the lines. No pnpm, no tsx, no node_modules/.bin.
 */
function newcomerPath(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(realpathSync(process.execPath), join(bin, 'node'));
  // npm's and npx's scripts find their own files from their real location: link the files they point to.
  for (const name of ['npm', 'npx']) symlinkSync(realpathSync(which(name)), join(bin, name));
  symlinkSync(realpathSync('/bin/sh'), join(bin, 'sh'));
  return bin;
}

/** What one shell line left behind. */
type LineRun = { code: number | null; stdout: string; stderr: string };

/** What a README line must do: the line itself, its exit code and its output. */
type Expectation = { line: RegExp; code: number; stdout: RegExp; stderr?: RegExp };

/** Runs one line with `sh -c` in the repository root, with only the given environment. */
function runLine(line: string, env: Record<string, string>, input: string): Promise<LineRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(env.PATH ?? '', 'sh'), ['-c', line], {
      cwd: root,
      env,
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
    // A line that never reads stdin may exit before the write lands: that is not a failure.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

describe("the README's CLI lines, run as written in a shell with only Node and npm", () => {
  let server: TestServer;
  let work: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer();
    const client = createDevflowClient({ url: server.url });
    for (const [username, password] of Object.entries(PASSWORDS)) {
      await client.auth.register.mutate({ email: `${username}@devflow.dev`, username, password });
    }
    work = mkdtempSync(join(tmpdir(), 'devflow-newcomer-'));
    const home = join(work, 'home');
    mkdirSync(home);
    // The README's default server is http://127.0.0.1:3000; DEVFLOW_URL (documented there) points the
    // lines at this test's server instead. HOME is fresh, so the token goes to ~/.config/devflow.
    env = { PATH: newcomerPath(work), HOME: home, DEVFLOW_URL: server.url, NO_COLOR: '1' };
  });
  afterAll(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('has node and npm on PATH, and neither pnpm nor tsx', async () => {
    const probe = await runLine(
      'command -v node && command -v npm && command -v npx && ! command -v pnpm && ! command -v tsx',
      env,
      '',
    );
    expect(probe).toMatchObject({ code: 0, stderr: '' });
  });

  it('runs every CLI line of the README with the output it promises', async () => {
    const url = server.url.replace(/[.]/g, '\\.');
    const expectations: Expectation[] = [
      { line: / health$/, code: 0, stdout: /^ok: database (pglite|postgres), cache (memory|redis) \(http/ },
      { line: / login ada /, code: 0, stdout: new RegExp(`^Signed in to ${url} as ada\\.\\n$`) },
      { line: / ask /, code: 0, stdout: /^Asked Q1: How do I paginate with a keyset\?\n$/ },
      { line: / reply Q1 --body /, code: 0, stdout: /^Replied R1 \(depth 0\)\.\n$/ },
      { line: / list /, code: 0, stdout: /^Q1 .*How do I paginate with a keyset\?/m },
      { line: / search /, code: 0, stdout: /^Q1 .*How do I paginate with a keyset\?/m },
      { line: / logout$/, code: 0, stdout: /^Signed out/ },
      { line: / login bob$/, code: 0, stdout: new RegExp(`^Signed in to ${url} as bob\\.\\n$`) },
      { line: / answer Q1 /, code: 0, stdout: /^Answered Q1 with A1\.\n$/ },
      { line: / reply Q1 --parent R1 /, code: 0, stdout: /^Replied R2 \(depth 1\)\.\n$/ },
      { line: / like Q1 /, code: 0, stdout: /^Liked Q1: score 1 \(▲1 ▼0\)\.\n$/ },
      { line: / follow ada /, code: 0, stdout: /^Following ada \(1 follower\)\.\n$/ },
      { line: / feed /, code: 0, stdout: /^Q1 .*ada asked.*How do I paginate with a keyset\?/m },
      {
        line: / show 1 /,
        code: 0,
        stdout:
          /^Q1 {2}How do I paginate with a keyset\?\n {2}\[postgresql\] \[sql\] · score 1 \(▲1 ▼0\) · 1 answer · 1 view\n[\s\S]*└─ ada · #1[\s\S]*└─ bob · #2[\s\S]*\nA1 {2}score 0 \(▲0 ▼0\) · by bob/,
      },
      { line: / show 999999 /, code: 1, stdout: /^$/, stderr: /^devflow: NOT_FOUND: [^\n]+\n$/ },
      { line: / whoami && /, code: 0, stdout: new RegExp(`^bob \\(user\\) on ${url}[^\\n]*\\nSigned out`) },
    ];
    const lines = readmeCliLines(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(lines.length, 'one expectation per README line (add one for a new line)').toBe(
      expectations.length,
    );
    for (const [index, line] of lines.entries()) {
      const expected = expectations[index];
      if (!expected) throw new Error(`no expectation for README line ${line}`);
      expect(line).toMatch(expected.line);
      const password = / login (\w+)/.exec(line)?.[1];
      const run = await runLine(line, env, password ? `${PASSWORDS[password] ?? ''}\n` : '');
      expect({ line, ...run }).toMatchObject({
        line,
        code: expected.code,
        stdout: expect.stringMatching(expected.stdout),
        stderr: expected.stderr ? expect.stringMatching(expected.stderr) : '',
      });
    }
  }, 120_000);
});
