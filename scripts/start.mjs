// `pnpm start`: builds what changed, then runs the compiled server (apps/server/dist/main.js).
// The web app (apps/web/dist) is rebuilt only when its sources, the workspace packages it depends on or the
// lockfile changed since the last build; the server bundle likewise (apps/server/scripts/build.mjs).
// A fingerprint of those files (path, size, modification time) is kept in node_modules/.cache/devflow/, out
// of the folders the server publishes.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  buildServer,
  dependencyGraph,
  serverDir,
  distDir as serverDist,
} from '../apps/server/scripts/build.mjs';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
const webDir = join(rootDir, 'apps/web');
const stamps = join(rootDir, 'node_modules/.cache/devflow');
/** Folders that are never inputs of a build. */
const skipped = new Set(['node_modules', 'dist', 'e2e', 'test-results', '.data']);

/** Adds every file under `dir` (path, size, mtime) to `hash`, test files excepted. */
function addFiles(hash, dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipped.has(entry.name)) addFiles(hash, path);
    } else if (!/\.test\.tsx?$/.test(entry.name)) {
      const { size, mtimeMs } = statSync(path);
      hash.update(`${relative(rootDir, path)}\0${size}\0${mtimeMs}\n`);
    }
  }
}

/** A fingerprint of the given folders and of the lockfile. */
function fingerprint(dirs) {
  const hash = createHash('sha256');
  for (const dir of [...dirs].sort()) addFiles(hash, dir);
  hash.update(readFileSync(join(rootDir, 'pnpm-lock.yaml')));
  return hash.digest('hex');
}

/**
 * Runs `build` unless `output` exists and `stampFile` holds the fingerprint of `dirs`; returns what was
 * done, for the log line.
 */
async function buildIfChanged(what, dirs, output, stampFile, build) {
  const before = fingerprint(dirs);
  const fresh = existsSync(output) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === before;
  if (fresh) return `${what}: up to date`;
  const started = performance.now();
  await build();
  mkdirSync(stamps, { recursive: true });
  writeFileSync(stampFile, before);
  return `${what}: built in ${((performance.now() - started) / 1000).toFixed(1)} s`;
}

/** Builds the web app with its own Vite, in a child process. */
function buildWeb() {
  const requireFromWeb = createRequire(join(webDir, 'package.json'));
  const vitePackage = requireFromWeb.resolve('vite/package.json');
  const viteBin = join(vitePackage, '..', JSON.parse(readFileSync(vitePackage, 'utf8')).bin.vite);
  const result = spawnSync(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], {
    cwd: webDir,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const webInputs = [...dependencyGraph(webDir).workspace.values()];
const serverInputs = [...dependencyGraph(serverDir).workspace.values()];
const web = await buildIfChanged(
  'web app',
  webInputs,
  join(webDir, 'dist/index.html'),
  join(stamps, 'web.fingerprint'),
  buildWeb,
);
const serverMain = join(serverDist, 'main.js');
const server = await buildIfChanged(
  'server',
  serverInputs,
  serverMain,
  join(stamps, 'server.fingerprint'),
  () => buildServer(),
);
console.log(`${web}; ${server}`);
await import(pathToFileURL(serverMain).href);
