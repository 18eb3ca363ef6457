import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(packageDir, 'package.json'));
const pnpm = ['-y', 'pnpm@12.20.0'];
const execFileAsync = promisify(execFile);

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

/** Every file below `dir`, as paths relative to it. */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

/** The fields of a package.json this test reads. */
type Manifest = {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

/** Reads a package.json. */
function readManifest(path: string): Manifest {
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof value !== 'object' || value === null) throw new Error(`${path} is not an object`);
  const field = (key: string): unknown => Reflect.get(value, key);
  const record = (key: string): Record<string, string> | undefined => {
    const entry = field(key);
    if (entry === undefined) return undefined;
    if (typeof entry !== 'object' || entry === null) throw new Error(`${path}: ${key} is not an object`);
    return Object.fromEntries(Object.entries(entry).map(([name, spec]) => [name, String(spec)]));
  };
  return {
    name: String(field('name')),
    version: String(field('version')),
    dependencies: record('dependencies'),
    peerDependencies: record('peerDependencies'),
  };
}

/** Bare module specifiers a built file imports (`from "x"`, `import("x")`), subpaths reduced to the package. */
function importedPackages(text: string): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g)].map(
    (match) => match[1] ?? '',
  );
  return specifiers
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

/**
 * A consumer app that uses the typed client as an app would: a query, a mutation with input, an
 * input-less mutation, the inferred input/output types and the error type. The `@ts-expect-error` lines
 * prove the types are real (were AppRouter to degrade to `any`, each of them would be an error itself).
 */
const consumer = `
import {
  createDevflowClient,
  DevflowError,
  isDevflowError,
  login,
  toDevflowError,
  type AppRouter,
  type DevflowErrorCode,
  type RouterInputs,
  type RouterOutputs,
} from '@devflow/client';
import { TRPCClientError } from '@trpc/client';

type Question = RouterOutputs['question']['byId'];
type NewQuestion = RouterInputs['question']['create'];

/** The router's error shape reaches the vendor client's error type. */
function httpStatus(error: TRPCClientError<AppRouter>): number | undefined {
  return error.data?.httpStatus;
}

export async function main(url: string, token: string): Promise<string> {
  const client = createDevflowClient({ url, token: () => token });

  const health: RouterOutputs['health']['check'] = await client.health.check.query();
  const engine: 'pglite' | 'postgres' = health.db;
  // @ts-expect-error the output is typed, not any: db is a string union, not a number
  const wrong: number = health.db;
  // @ts-expect-error procedures that do not exist are compile errors
  await client.health.nope.query();

  const page = await client.question.list.query({ sort: 'newest', limit: 5 });
  const titles: string[] = page.items.map((item) => item.title);
  const next: string | null = page.nextCursor;
  // @ts-expect-error inputs are checked: sort is one of the listed orders
  await client.question.list.query({ sort: 'random' });

  const input: NewQuestion = { title: 'How do I paginate with a keyset?', body: 'A body long enough.', tags: ['sql'] };
  const created: RouterOutputs['question']['create'] = await client.question.create.mutate(input);
  const id: string = created.id;
  // @ts-expect-error a question needs its tags
  await client.question.create.mutate({ title: 'No tags here at all', body: 'A body long enough.' });

  const thread = await client.reply.thread.query({ targetType: 'question', targetId: id });
  const firstBody: string = thread.items[0]?.body ?? '';
  // @ts-expect-error a thread's replies are typed down to their children (the ids of the returned ones)
  const children: number[] = thread.items[0]?.children ?? [];
  // @ts-expect-error inputs are checked: targetType is 'question' | 'answer'
  await client.reply.thread.query({ targetType: 'user', targetId: '1' });

  const { ok }: { ok: true } = await client.auth.logout.mutate();

  try {
    await login(url, { login: 'ada', password: 'secret' });
  } catch (error) {
    const failure: DevflowError = toDevflowError(error);
    const code: DevflowErrorCode = failure.code;
    const issues: string[] = failure.issues.map((issue) => \`\${issue.path}: \${issue.message}\`);
    if (isDevflowError(failure)) return \`\${code} \${failure.httpStatus ?? ''} \${issues.join(', ')}\`;
  }
  try {
    await client.question.byId.query({ id: '999999' });
  } catch (error) {
    if (error instanceof TRPCClientError) return String(httpStatus(error));
  }
  return [engine, wrong, titles, next, firstBody, children, ok].map(String).join(' ');
}
`;

/** The two resolutions a consumer's tsconfig most often has: a bundler app and a Node ESM app. */
const resolutions = [
  { moduleResolution: 'bundler', module: 'esnext' },
  { moduleResolution: 'nodenext', module: 'nodenext' },
] as const;

describe('@devflow/client as a published package, in a strict consumer', () => {
  let work: string;
  let unpacked: string;
  let app: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'devflow-client-pack-'));
    // The package's build script, step by step (no pnpm process needed for it).
    run(process.execPath, [require.resolve('tsdown/run')], packageDir);
    run(process.execPath, [join(packageDir, 'scripts', 'bundle-router-types.mjs')], packageDir);
    packWithRetry(work);
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
    if (!tarball) throw new Error(`pnpm pack wrote no tarball into ${work}`);

    // A fresh app that installed the tarball, laid out flat as `npm install` would: the package, then
    // what its manifest declares and, transitively, what those declare, each copied from the one version
    // the workspace installed from the registry (checked against the manifest below). No DevFlow sources,
    // no other workspace package, nothing the manifests do not name. Copying stands in for the download
    // so the test runs offline.
    app = join(work, 'app');
    unpacked = join(app, 'node_modules', '@devflow', 'client');
    mkdirSync(unpacked, { recursive: true });
    run('tar', ['xzf', join(work, tarball), '--strip-components=1', '-C', unpacked], app);
    const manifest = readManifest(join(unpacked, 'package.json'));
    const declared = { ...manifest.peerDependencies, ...manifest.dependencies };
    const queue = Object.keys(declared).map((name) => ({ name, from: packageDir }));
    for (let next = queue.shift(); next; next = queue.shift()) {
      const target = join(app, 'node_modules', next.name);
      if (existsSync(target)) continue;
      const source = realpathSync(
        dirname(createRequire(join(next.from, 'package.json')).resolve(`${next.name}/package.json`)),
      );
      cpSync(source, target, { recursive: true, dereference: true });
      const own = readManifest(join(source, 'package.json'));
      for (const name of Object.keys({ ...own.peerDependencies, ...own.dependencies })) {
        if (name !== 'typescript') queue.push({ name, from: source });
      }
    }
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        type: 'module',
        private: true,
        dependencies: { [manifest.name]: manifest.version },
      }),
    );
    writeFileSync(join(app, 'main.ts'), consumer);
  }, 240_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships its build only: no tests, no test helpers, no sources', () => {
    const files = listFiles(unpacked).sort();
    expect(files.filter((file) => /\.test\.|testing|(^|\/)src\//.test(file))).toEqual([]);
    expect(files.every((file) => file === 'package.json' || file.startsWith('dist/'))).toBe(true);
  });

  it('keeps the tarball that `pnpm pack` writes out of git', () => {
    const { version } = readManifest(join(packageDir, 'package.json'));
    const tarball = join(packageDir, `devflow-client-${version}.tgz`);
    expect(run('git', ['check-ignore', tarball], packageDir).trim()).toBe(tarball);
  });

  it('declares every package its code and types import, at the versions it was built against', () => {
    const manifest = readManifest(join(unpacked, 'package.json'));
    const declared = { ...manifest.peerDependencies, ...manifest.dependencies };
    const imported = new Set(
      listFiles(join(unpacked, 'dist')).flatMap((file) =>
        importedPackages(readFileSync(join(unpacked, 'dist', file), 'utf8')),
      ),
    );
    expect([...imported].filter((name) => !(name in declared)).sort()).toEqual([]);
    for (const [name, spec] of Object.entries(declared)) {
      expect(spec, `${name} must be a published version, not a workspace link`).toMatch(/^\d+\.\d+\.\d+$/);
      expect(readManifest(join(app, 'node_modules', name, 'package.json')).version, name).toBe(spec);
    }
  });

  it.concurrent.each(resolutions)(
    'typechecks with strict, skipLibCheck false and moduleResolution $moduleResolution',
    async ({ module, moduleResolution }) => {
      const tsconfig = `tsconfig.${moduleResolution}.json`;
      writeFileSync(
        join(app, tsconfig),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            skipLibCheck: false,
            target: 'ES2022',
            module,
            moduleResolution,
            noEmit: true,
          },
          files: ['main.ts'],
        }),
      );
      const tsc = require.resolve('typescript/bin/tsc');
      const output = await execFileAsync(process.execPath, [tsc, '-p', tsconfig], { cwd: app }).then(
        (result) => `${result.stdout}${result.stderr}`,
        (error: unknown) =>
          error instanceof Error
            ? `${Reflect.get(error, 'stdout') ?? ''}${Reflect.get(error, 'stderr') ?? ''}`
            : String(error),
      );
      expect(output).toBe('');
    },
    60_000,
  );
});
