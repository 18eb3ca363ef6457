// Puts the AppRouter types inside the built package, so an app outside the monorepo gets typed
// procedures from `@devflow/client` alone.
//
// tsc already writes every procedure's input and output as plain structural types in the API package's
// declarations; only the router's server-side context (`Context`: database, cache, config) and its
// OpenAPI meta type point at server packages. Those two are replaced by `object` (a client never sees
// them), the declarations are copied to `dist/api/`, and `dist/index.d.mts` imports them from there.
// A few named output types (recursive ones, such as a reply tree node) stay zod-inferred, which is why
// zod is a dependency of the package.
// (tsdown's own `dts.resolve` could not inline the workspace sources: its generator drops the router
// exports, so this step stays explicit.)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const apiDir = join(packageDir, '..', 'api');
const dist = join(packageDir, 'dist');
const out = mkdtempSync(join(tmpdir(), 'devflow-api-dts-'));

const tsc = createRequire(join(packageDir, 'package.json')).resolve('typescript/bin/tsc');
execFileSync(
  process.execPath,
  [tsc, '-p', apiDir, '--declaration', '--emitDeclarationOnly', '--noEmit', 'false', '--outDir', out],
  { stdio: 'inherit' },
);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith('.d.ts')) yield path;
  }
}

const target = join(dist, 'api');
rmSync(target, { recursive: true, force: true });
cpSync(out, target, { recursive: true });
rmSync(out, { recursive: true, force: true });
for (const file of files(target)) {
  const text = readFileSync(file, 'utf8')
    .replace(/import\("(?:\.\.?\/)+context"\)\.Context/g, 'object')
    .replace(/import\("trpc-to-openapi"\)\.OpenApiMeta/g, 'object');
  writeFileSync(file, text);
}

// tsc wrote extensionless relative imports (`import("./errors")`, `import(".")`): valid for CommonJS
// declarations, unresolvable for ESM ones under NodeNext. Marking the folder CommonJS keeps every type
// resolvable whatever moduleResolution the consumer uses (the folder holds declarations only).
writeFileSync(join(target, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);

const entry = join(dist, 'index.d.mts');
const routerPath = `./${relative(dist, join(target, 'root.js'))}`;
const text = readFileSync(entry, 'utf8');
if (!text.includes('"@devflow/api/router"')) {
  throw new Error('dist/index.d.mts does not import "@devflow/api/router": update this script.');
}
writeFileSync(entry, text.replaceAll('"@devflow/api/router"', JSON.stringify(routerPath)));
console.log(`router types: ${relative(packageDir, target)}/ (imported as ${routerPath})`);
