// Compiles the server to JavaScript: `src/main.ts` (and `src/migrate.ts`, which scripts/start.mjs runs
// while the web app builds) with every workspace package they import (TypeScript sources, their `exports`
// point at `.ts`) are bundled into `dist/main.js` (and `dist/migrate.js`) with esbuild. Packages from the
// registry stay external and are loaded from node_modules at run time: which ones is read from the
// package.json files of the server and of the workspace packages it depends on, so a new module or a new
// dependency needs no change here.
//
//   node scripts/build.mjs            build, then link the external packages into dist/node_modules so the
//                                     bundle runs inside this checkout (`pnpm start`)
//   node scripts/build.mjs --no-link  build only: the bundle runs where the server's production dependencies
//                                     are installed flat next to it (the Dockerfile's `pnpm deploy`)
//   --out-dir <dir>                   write there instead of dist/ (apps/server/src/build.test.ts); the
//                                     folder's parent stands for apps/server (`../package.json` is read)
//
// Files a workspace package outside this one reads next to its sources (`new URL('../migrations',
// import.meta.url)` in packages/db/src/client.ts, the routers' JSDoc read by packages/api/src/trpc/openapi.ts)
// are copied under `dist/assets/<package>/` and the URL is rewritten to point there. Paths of the server's
// own sources need no rewrite: `dist/` sits where `src/` does.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop } from 'esbuild';

/** The server package's folder (apps/server). */
export const serverDir = fileURLToPath(new URL('..', import.meta.url));
/** Where the build writes `main.js`, its source map and its assets. */
export const distDir = join(serverDir, 'dist');

/** Reads a package.json. */
function manifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** Names a package depends on at run time. */
function runtimeDependencies(pkg) {
  return Object.entries({ ...pkg.optionalDependencies, ...pkg.peerDependencies, ...pkg.dependencies });
}

/**
 * Walks the server's `dependencies` through the workspace: returns every workspace package reached
 * (name → folder) and every registry package they declare (name → the folder it is installed in, as seen
 * from the package that declares it).
 */
export function dependencyGraph(rootDir = serverDir) {
  const workspace = new Map();
  const external = new Map();
  const visit = (dir) => {
    const pkg = manifest(dir);
    if (workspace.has(pkg.name)) return;
    workspace.set(pkg.name, dir);
    for (const [name, spec] of runtimeDependencies(pkg)) {
      const installed = join(dir, 'node_modules', name);
      if (String(spec).startsWith('workspace:')) visit(realpathSync(installed));
      else if (!external.has(name) && existsSync(installed)) external.set(name, realpathSync(installed));
      else if (!external.has(name)) external.set(name, null);
    }
  };
  visit(rootDir);
  return { workspace, external };
}

/** `new URL('<relative path>', import.meta.url)` as written in our sources. */
const fileUrlPattern = /new URL\(\s*(['"])(\.{1,2}\/[^'"]*)\1\s*,\s*import\.meta\.url\s*\)/g;

/**
 * esbuild plugin: in workspace packages other than the server, a `new URL('../x', import.meta.url)` that
 * names an existing file or folder is pointed at a copy of it under `dist/assets/<package>/`.
 */
function assetsPlugin(workspace, copies, outDir) {
  const packages = [...workspace].filter(([, dir]) => resolve(dir) !== resolve(serverDir));
  return {
    name: 'devflow-assets',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => {
        const owner = packages.find(([, dir]) => args.path.startsWith(resolve(dir) + sep));
        if (!owner) return undefined;
        const [name, packageDir] = owner;
        const source = readFileSync(args.path, 'utf8');
        const contents = source.replace(fileUrlPattern, (whole, _quote, path) => {
          const target = resolve(dirname(args.path), path);
          if (!existsSync(target)) return whole;
          const inPackage = relative(packageDir, target);
          if (inPackage.startsWith('..')) return whole;
          copies.set(target, join(outDir, 'assets', name, inPackage));
          const url = `./${['assets', name, ...inPackage.split(sep)].join('/')}${path.endsWith('/') ? '/' : ''}`;
          return `new URL(${JSON.stringify(url)}, import.meta.url)`;
        });
        return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts', resolveDir: dirname(args.path) };
      });
    },
  };
}

/** Symlinks each external package into `dist/node_modules`, so `dist/main.js` resolves it in this checkout. */
function linkExternals(external, outDir) {
  const modules = join(outDir, 'node_modules');
  for (const [name, target] of external) {
    if (!target) continue;
    const link = join(modules, name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), target), link, statSync(target).isDirectory() ? 'dir' : 'file');
  }
}

/** Builds `<outDir>/main.js` (and links the externals unless `link` is false); returns the time it took in ms. */
export async function buildServer({ link = true, outDir = distDir } = {}) {
  const started = performance.now();
  const { workspace, external } = dependencyGraph();
  const copies = new Map();
  rmSync(outDir, { recursive: true, force: true });
  await build({
    entryPoints: ['main', 'migrate'].map((name) => join(serverDir, `src/${name}.ts`)),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    external: [...external.keys()].flatMap((name) => [name, `${name}/*`]),
    plugins: [assetsPlugin(workspace, copies, outDir)],
  });
  // esbuild keeps a helper process for further builds; `pnpm start` runs the server in this process next.
  await stop();
  for (const [from, to] of copies) {
    cpSync(from, to, { recursive: true, filter: (path) => !/\.test\.tsx?$/.test(path) });
  }
  if (link) linkExternals(external, outDir);
  return performance.now() - started;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outAt = process.argv.indexOf('--out-dir');
  const outDir = outAt > 0 ? resolve(process.argv[outAt + 1] ?? '') : distDir;
  const ms = await buildServer({ link: !process.argv.includes('--no-link'), outDir });
  console.log(`server built in ${Math.round(ms)} ms: ${relative(process.cwd(), outDir)}/{main,migrate}.js`);
}
