import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(packageDir, 'package.json'));
const pnpm = ['-y', 'pnpm@12.20.0'];

/** Runs a command and returns its output; on failure the error carries stdout and stderr. */
function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // pnpm is already the pinned version: do not let it try to fetch itself again (that lookup can fail).
    env: { ...process.env, npm_config_manage_package_manager_versions: 'false' },
  });
}

/**
 * `pnpm pack` (it applies publishConfig and rewrites workspace versions, as a publish would). pnpm 12
 * sometimes fails to look up its own platform binaries on this registry before doing anything; that
 * lookup, and only that, is retried.
 */
function packWithRetry(destination: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      run('npx', [...pnpm, 'pack', '--pack-destination', destination], packageDir);
      return;
    } catch (error) {
      const stderr = String(error instanceof Error ? (Reflect.get(error, 'stderr') ?? '') : '');
      if (attempt >= 4 || !stderr.includes('resolve package manager dependencies')) throw error;
    }
  }
}

/** Folder of an installed package, found from this package (the consumer gets the same versions). */
function installed(name: string): string {
  return realpathSync(dirname(require.resolve(`${name}/package.json`)));
}

const consumer = `
import {
  createDevflowClient,
  DevflowError,
  isDevflowError,
  login,
  toDevflowError,
  type RouterInputs,
  type RouterOutputs,
} from '@devflow/client';

const client = createDevflowClient({ url: 'http://127.0.0.1:3000', token: () => process.env.TOKEN });
export async function main(): Promise<string> {
  const health: RouterOutputs['health']['check'] = await client.health.check.query();
  const engine: 'pglite' | 'postgres' = health.db;
  // @ts-expect-error the output is typed, not any: db is a string union, not a number
  const wrong: number = health.db;
  // @ts-expect-error procedures that do not exist are compile errors
  client.health.nope.query();
  const input: RouterInputs['health']['check'] = undefined;
  const thread: RouterOutputs['reply']['thread'] = await client.reply.thread.query({ targetType: 'question', targetId: '1' });
  const firstBody: string = thread.items[0]?.body ?? '';
  // @ts-expect-error a thread's replies are typed down to their children (the ids of the returned ones)
  const children: number[] = thread.items[0]?.children ?? [];
  // @ts-expect-error inputs are checked: targetType is 'question' | 'answer'
  await client.reply.thread.query({ targetType: 'user', targetId: '1' });
  try {
    await login('http://127.0.0.1:3000', { login: 'ada', password: 'secret' });
  } catch (error) {
    const failure: DevflowError = toDevflowError(error);
    if (isDevflowError(failure)) return \`\${failure.code} \${failure.httpStatus ?? ''}\`;
  }
  return \`\${engine} \${String(wrong)} \${String(input)} \${firstBody} \${String(children)}\`;
}
`;

describe('@devflow/client as a published package', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'devflow-client-pack-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('builds, packs and typechecks a consumer outside the monorepo against the tarball alone', () => {
    // The package's build script, step by step (no pnpm process needed for it).
    run(process.execPath, [require.resolve('tsdown/run')], packageDir);
    run(process.execPath, [join(packageDir, 'scripts', 'bundle-router-types.mjs')], packageDir);
    packWithRetry(work);
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
    expect(tarball).toBeDefined();

    // An app that installed the tarball: the package plus its published dependencies, nothing else
    // (no @devflow/api, no drizzle, no sources).
    const app = join(work, 'app');
    const modules = join(app, 'node_modules');
    mkdirSync(join(modules, '@devflow', 'client'), { recursive: true });
    mkdirSync(join(modules, '@trpc'), { recursive: true });
    mkdirSync(join(modules, '@types'), { recursive: true });
    run(
      'tar',
      ['xzf', join(work, tarball ?? ''), '--strip-components=1', '-C', join(modules, '@devflow', 'client')],
      app,
    );
    symlinkSync(installed('@trpc/client'), join(modules, '@trpc', 'client'));
    symlinkSync(installed('@trpc/server'), join(modules, '@trpc', 'server'));
    symlinkSync(installed('zod'), join(modules, 'zod'));
    symlinkSync(
      realpathSync(join(packageDir, '..', '..', 'node_modules', '@types', 'node')),
      join(modules, '@types', 'node'),
    );
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', type: 'module', private: true }),
    );
    writeFileSync(join(app, 'main.ts'), consumer);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          // As most apps do (tRPC's own declarations want @types/ws otherwise). Our types are still
          // proven real: if AppRouter degraded to \`any\`, the @ts-expect-error lines would fail.
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['main.ts'],
      }),
    );
    const tsc = require.resolve('typescript/bin/tsc');
    let output = '';
    try {
      output = run(process.execPath, [tsc, '-p', app], app);
    } catch (error) {
      // execFileSync's error carries the compiler's output.
      output =
        error instanceof Error
          ? `${Reflect.get(error, 'stdout') ?? ''}${Reflect.get(error, 'stderr') ?? ''}`
          : String(error);
    }
    expect(output).toBe('');
  }, 240_000);
});
