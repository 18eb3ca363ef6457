// Puts the AppRouter types inside the built package, as one self-contained declaration file
// (`dist/router.d.mts`), so an app outside the monorepo gets typed procedures from `@devflow/client` and
// its declared dependencies alone, even with `skipLibCheck: false`.
//
// 1. tsc writes the API package's declarations (every procedure's input and output as plain structural
//    types) into a temporary folder. Only the router's server-side context (`Context`: database, cache,
//    config) and its OpenAPI meta type point at server packages; both become `object` (a client never
//    sees them).
// 2. tsdown (rolldown-plugin-dts, `dtsInput`) bundles what `AppRouter`, `RouterInputs` and
//    `RouterOutputs` reach from there into one file, tree-shaken: no services, no test files, no test
//    helpers travel with it.
// 3. Every package the bundled types still import must be a dependency of `@devflow/client`
//    (`@trpc/server`, and `zod` for the few named output types that stay zod-inferred, such as the
//    recursive reply tree node); anything else stops the build.
// (tsdown's own `dts.resolve` could not inline the workspace sources: its generator drops the router
// exports, hence the tsc step.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsdown';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const apiDir = join(packageDir, '..', 'api');
const dist = join(packageDir, 'dist');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const published = new Set([
  ...Object.keys(manifest.dependencies ?? {}),
  ...Object.keys(manifest.peerDependencies ?? {}),
]);

function* declarationFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* declarationFiles(path);
    else if (path.endsWith('.d.ts')) yield path;
  }
}

/** Bare packages a declaration file imports (`from "x"`, `import("x")`), subpaths reduced to the package. */
function importedPackages(text) {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g)];
  return specifiers
    .map((match) => match[1])
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

const work = mkdtempSync(join(tmpdir(), 'devflow-api-dts-'));
try {
  const declarations = join(work, 'api');
  // The API package's own settings, but only the router's entry and what it imports (no test files).
  const project = join(work, 'tsconfig.json');
  writeFileSync(
    project,
    JSON.stringify({
      extends: join(apiDir, 'tsconfig.json'),
      compilerOptions: {
        rootDir: join(apiDir, 'src'),
        outDir: declarations,
        declaration: true,
        emitDeclarationOnly: true,
        noEmit: false,
        // Type packages are looked up from the config's folder, which is temporary here.
        typeRoots: [join(packageDir, '..', '..', 'node_modules', '@types')],
      },
      files: [join(apiDir, 'src', 'root.ts')],
      include: [],
    }),
  );
  const tsc = createRequire(join(packageDir, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
  for (const file of declarationFiles(declarations)) {
    const text = readFileSync(file, 'utf8')
      // `import("./context").Context`, `import("..").Context`: the server's request context.
      .replace(/import\("\.[^"]*"\)\.Context\b/g, 'object')
      .replace(/import\("trpc-to-openapi"\)\.OpenApiMeta\b/g, 'object')
      // The same metadata type imported by name (the procedures' declaration file).
      .replace(
        /import (?:type )?\{ OpenApiMeta \} from ["']trpc-to-openapi["'];/g,
        'type OpenApiMeta = object;',
      );
    writeFileSync(file, text);
  }
  const entry = join(declarations, 'client-entry.d.ts');
  writeFileSync(entry, "export type { AppRouter, RouterInputs, RouterOutputs } from './root';\n");

  await build({
    config: false,
    cwd: packageDir,
    logLevel: 'warn',
    entry: { router: entry },
    format: 'esm',
    platform: 'neutral',
    outDir: dist,
    clean: false,
    dts: { dtsInput: true, tsconfig: false },
    // Every package stays an import (none is inlined); tree-shaking drops those the router types do
    // not reach, and the check below refuses any that remains without being a dependency.
    deps: { neverBundle: [/^[^./]/] },
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

const router = ['router.d.mts', 'router.d.ts']
  .map((name) => join(dist, name))
  .find((path) => existsSync(path));
if (!router) throw new Error(`tsdown wrote no router declarations into ${dist}`);
const bundled = readFileSync(router, 'utf8');
const foreign = [...new Set(importedPackages(bundled))].filter((name) => !published.has(name));
if (foreign.length > 0) {
  throw new Error(
    `${relative(packageDir, router)} imports ${foreign.join(', ')}, which @devflow/client does not depend on: ` +
      'keep server-only types out of the router types (or make them structural).',
  );
}
if (!bundled.includes('AppRouter')) throw new Error(`${relative(packageDir, router)} lost AppRouter`);

const indexTypes = join(dist, 'index.d.mts');
const text = readFileSync(indexTypes, 'utf8');
if (!text.includes('"@devflow/api/router"')) {
  throw new Error('dist/index.d.mts does not import "@devflow/api/router": update this script.');
}
const specifier = `./${relative(dist, router).replace(/\.d\.(m?)ts$/, '.$1js')}`;
writeFileSync(indexTypes, text.replaceAll('"@devflow/api/router"', JSON.stringify(specifier)));
console.log(`router types: ${relative(packageDir, router)} (imported as ${specifier})`);
