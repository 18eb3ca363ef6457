// `pnpm start`: builds what changed, then runs the compiled server (apps/server/dist/main.js).
// The web app (apps/web/dist) is rebuilt only when its sources, the workspace packages it depends on or the
// lockfile changed since the last build; the server bundle likewise (apps/server/scripts/build.mjs). While
// Vite builds the web app, the database is migrated in a second process (dist/migrate.js): the two costs
// of a first start overlap on two cores instead of adding up.
// A fingerprint of those files (path, size, modification time) is kept in node_modules/.cache/devflow/, out
// of the folders the server publishes.
import { spawn } from 'node:child_process';
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

/** A build's output, and whether its inputs changed since it was made. */
function state(dirs, output, stampFile) {
  const print = fingerprint(dirs);
  const fresh = existsSync(output) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === print;
  const save = () => {
    mkdirSync(stamps, { recursive: true });
    writeFileSync(stampFile, print);
  };
  return { fresh, save };
}

/** Runs a child process with this one's output; resolves when it exits 0, exits this process otherwise. */
function run(args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: 'inherit' });
    child.once('exit', (code) => (code === 0 ? resolve() : process.exit(code ?? 1)));
  });
}

/** The web app's own Vite, as `node <vite> build` arguments. */
function viteBuild() {
  const vitePackage = createRequire(join(webDir, 'package.json')).resolve('vite/package.json');
  return [
    join(vitePackage, '..', JSON.parse(readFileSync(vitePackage, 'utf8')).bin.vite),
    'build',
    '--logLevel',
    'warn',
  ];
}

const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const serverMain = join(serverDist, 'main.js');
const web = state(
  dependencyGraph(webDir).workspace.values(),
  join(webDir, 'dist/index.html'),
  join(stamps, 'web.fingerprint'),
);
const server = state(
  dependencyGraph(serverDir).workspace.values(),
  serverMain,
  join(stamps, 'server.fingerprint'),
);
const done = [];
let started = performance.now();
if (!server.fresh) {
  await buildServer();
  server.save();
  done.push(`server built in ${seconds(started)}`);
} else done.push('server up to date');
if (!web.fresh) {
  started = performance.now();
  await Promise.all([run(viteBuild(), webDir), run([join(serverDist, 'migrate.js')], rootDir)]);
  web.save();
  done.push(`web app built (database migrated meanwhile) in ${seconds(started)}`);
} else done.push('web app up to date');
console.log(done.join('; '));
await import(pathToFileURL(serverMain).href);
