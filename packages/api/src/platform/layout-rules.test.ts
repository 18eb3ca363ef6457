import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The layout's import rules (biome.json `overrides`, run by `pnpm lint`) bite where they should: fixture
 * files at real paths of the tree — a platform module, a domain service, a web page — that import
 * drizzle-orm, the db tables or @trpc/server are refused, while a query in packages/db and a test may;
 * a domain's router that imports the cache is refused too, while its service may.
 * The fixtures live in a temporary copy of the configuration, so the tree itself stays clean.
 */
const repo = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const biome = join(repo, 'node_modules/.bin/biome');
const dir = mkdtempSync(join(tmpdir(), 'devflow-layout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SQL_IMPORT = "import { sql } from 'drizzle-orm';\nexport const fixture = [sql];\n";
const TABLE_IMPORT = "import { users } from '@devflow/db/schema';\nexport const fixture = [users];\n";
const TRPC_IMPORT = "import { TRPCError } from '@trpc/server';\nexport const fixture = [TRPCError];\n";
const CACHE_IMPORT =
  "import { afterWrite } from '../../platform/cache/scopes';\nexport const fixture = [afterWrite];\n";

const fixtures: Record<string, string> = {
  'packages/api/src/platform/fixture-sql.ts': SQL_IMPORT,
  'packages/api/src/platform/fixture-trpc.ts': TRPC_IMPORT,
  'packages/api/src/domains/question/fixture-service.ts': SQL_IMPORT,
  'packages/api/src/domains/answer/fixture-tables.ts': TABLE_IMPORT,
  'packages/api/src/domains/reply/fixture-trpc.ts': TRPC_IMPORT,
  'packages/api/src/domains/tag/router.ts': CACHE_IMPORT,
  'packages/api/src/domains/feed/router.ts': SQL_IMPORT,
  'packages/api/src/domains/tag/service.ts': CACHE_IMPORT,
  'apps/web/src/pages/FixturePage.ts': SQL_IMPORT,
  'apps/cli/src/fixture.ts': SQL_IMPORT,
  'packages/db/src/queries/fixture.ts': SQL_IMPORT,
  'packages/api/src/domains/question/fixture.test.ts': SQL_IMPORT,
};

function lintFixtures(): string {
  const config = JSON.parse(readFileSync(join(repo, 'biome.json'), 'utf8')) as Record<string, unknown>;
  delete config.$schema;
  config.vcs = { enabled: false };
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
  for (const [path, text] of Object.entries(fixtures)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  try {
    return execFileSync(biome, ['lint', '--max-diagnostics=100', '.'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}`;
  }
}

describe('the layout rules of biome.json', () => {
  const output = lintFixtures();
  const refused = (path: string) => output.includes(`${path}:1:`) && /noRestrictedImports/.test(output);

  it('refuse SQL, tables and tRPC in platform modules and domain services', () => {
    for (const path of [
      'packages/api/src/platform/fixture-sql.ts',
      'packages/api/src/platform/fixture-trpc.ts',
      'packages/api/src/domains/question/fixture-service.ts',
      'packages/api/src/domains/answer/fixture-tables.ts',
      'packages/api/src/domains/reply/fixture-trpc.ts',
    ]) {
      expect(refused(path), `${path} should be refused:\n${output}`).toBe(true);
    }
  });

  it('refuse the cache and SQL in routers, and let services use the cache', () => {
    expect(refused('packages/api/src/domains/tag/router.ts'), output).toBe(true);
    expect(output).toContain('cache reads and invalidation live in the domain');
    expect(refused('packages/api/src/domains/feed/router.ts'), output).toBe(true);
    expect(output).not.toContain('packages/api/src/domains/tag/service.ts:1:');
  });

  it('refuse drizzle-orm in every other package', () => {
    expect(refused('apps/web/src/pages/FixturePage.ts'), output).toBe(true);
    expect(refused('apps/cli/src/fixture.ts'), output).toBe(true);
  });

  it('let packages/db and tests write SQL', () => {
    expect(output).not.toContain('packages/db/src/queries/fixture.ts:1:');
    expect(output).not.toContain('packages/api/src/domains/question/fixture.test.ts:1:');
  });
});
