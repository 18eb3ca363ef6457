import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './server';

/**
 * The output schema the web app reads, and one field of it the question page renders. Renaming it in a
 * copy of the API must break the web typecheck: proof that the web app is typed by the API's real
 * output types (`RouterOutputs`), not by hand-written copies of them.
 */
const SCHEMA_FILE = 'packages/contract/src/question.ts';
const FIELD = 'bodyHtml';
const RENAMED = 'bodyHtmlRenamed';

/**
 * Copies `packages/contract`, `packages/api` and `apps/web` sources into a temp workspace that reuses the
 * real installed dependencies through symlinks, except `@devflow/contract` and `@devflow/api`, which point
 * at the copies — so the copied schemas can be edited without touching the repository.
 */
async function copyWorkspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'devflow-types-'));
  const skip = (source: string) => !/[/\\](node_modules|dist)([/\\]|$)/.test(source.slice(repoRoot.length));
  await cp(join(repoRoot, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  for (const folder of ['packages/contract', 'packages/api', 'apps/web']) {
    await cp(join(repoRoot, folder), join(dir, folder), { recursive: true, filter: skip });
  }
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const copies: Record<string, string> = {
    '@devflow/contract': join(dir, 'packages/contract'),
    '@devflow/api': join(dir, 'packages/api'),
  };
  for (const folder of ['packages/contract', 'packages/api', 'apps/web']) {
    const real = join(repoRoot, folder, 'node_modules');
    const copy = join(dir, folder, 'node_modules');
    await mkdir(join(copy, '@devflow'), { recursive: true });
    for (const entry of await readdir(real)) {
      if (entry !== '@devflow') await symlink(join(real, entry), join(copy, entry));
    }
    for (const entry of await readdir(join(real, '@devflow')).catch(() => [])) {
      const name = `@devflow/${entry}`;
      await symlink(copies[name] ?? join(real, name), join(copy, name), 'dir');
    }
  }
  return dir;
}

/** Runs the web package's typecheck (`tsc --noEmit -p .`) in the copy; returns its exit code and output. */
function typecheckWeb(dir: string): Promise<{ code: number | null; output: string }> {
  const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '--noEmit', '-p', '.'], { cwd: join(dir, 'apps/web') });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('error', reject);
    child.once('close', (code) => {
      process.off('exit', killOnExit);
      resolve({ code, output });
    });
  });
}

describe('the web app is typed by the API', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await copyWorkspace();
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('typechecks against an unchanged copy of the API', async () => {
    const result = await typecheckWeb(dir);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 300_000);

  it(`fails the web typecheck when the API renames the "${FIELD}" output field`, async () => {
    const path = join(dir, SCHEMA_FILE);
    const source = await readFile(path, 'utf8');
    expect(source).toContain(`${FIELD}:`);
    await writeFile(path, source.replaceAll(`${FIELD}:`, `${RENAMED}:`));
    const result = await typecheckWeb(dir);
    expect(result.code).not.toBe(0);
    // tsc names the web app's own file that reads the field, e.g.
    // src/pages/QuestionPage.tsx(231,25): error TS2339: Property 'bodyHtml' does not exist on type …
    expect(result.output).toMatch(
      new RegExp(
        `^src/pages/QuestionPage\\.tsx\\(\\d+,\\d+\\): error TS2339: Property '${FIELD}' does not exist`,
        'm',
      ),
    );
  }, 300_000);
});
