import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeVersionAdvice, RECOMMENDED_NODE_MAJOR } from './node-version';
import { type ChildServer, spawnServer } from './testing/child-server';

const serverDir = fileURLToPath(new URL('..', import.meta.url));

describe('pnpm build: the compiled server', () => {
  // The build goes to a folder of its own that stands for apps/server (it reads ../package.json), so a
  // developer's dist/ is left alone.
  let root: string;
  let server: ChildServer;
  let dataDir: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'devflow-build-'));
    dataDir = join(root, 'data');
    const packageDir = join(root, 'apps/server');
    mkdirSync(packageDir, { recursive: true });
    copyFileSync(join(serverDir, 'package.json'), join(packageDir, 'package.json'));
    const outDir = join(packageDir, 'dist');
    await promisify(execFile)(process.execPath, ['scripts/build.mjs', '--out-dir', outDir], {
      cwd: serverDir,
    });
    server = await spawnServer(
      { DATA_DIR: dataDir },
      { compiled: join(outDir, 'main.js'), timeoutMs: 170_000 },
    );
  }, 240_000);
  afterAll(async () => {
    server?.kill();
    await server?.exited;
    rmSync(root, { recursive: true, force: true });
  });

  it('starts on plain node, migrated, and answers /healthz', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, db: 'pglite', cache: 'memory' });
    expect(existsSync(join(root, 'apps/server/dist/assets/@devflow/db/migrations'))).toBe(true);
  });

  it('hashes a password with the native argon2 module when a user registers', async () => {
    const response = await fetch(`${server.url}/trpc/auth.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({
        email: 'ada@devflow.dev',
        username: 'ada',
        password: 'correct horse battery staple',
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: { data: { user: { username: 'ada' } } } });
  });

  it("describes every REST operation with its router's JSDoc, read from the copied sources", async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { description?: string }>>;
    };
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.filter((operation) => !operation.description)).toEqual([]);
  });

  it(`prints the line recommending Node ${RECOMMENDED_NODE_MAJOR} only on an older Node`, () => {
    const advice = server
      .output()
      .split('\n')
      .filter((line) => line.includes(`Node ${RECOMMENDED_NODE_MAJOR} LTS is recommended`));
    const older = Number(process.versions.node.split('.')[0]) < RECOMMENDED_NODE_MAJOR;
    expect(advice).toHaveLength(older ? 1 : 0);
  });
});

describe('nodeVersionAdvice', () => {
  it('names the running version and the recommended one below Node 24, and stays quiet from 24 on', () => {
    expect(nodeVersionAdvice('20.19.0')).toContain('Node 24 LTS is recommended (this is Node 20.19.0');
    expect(nodeVersionAdvice('22.12.0')).toContain('this is Node 22.12.0');
    expect(nodeVersionAdvice('24.0.0')).toBeNull();
    expect(nodeVersionAdvice('26.1.0')).toBeNull();
  });
});
