import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '@devflow/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('.', import.meta.url));

/** Runs the example like its README says (`tsx main.ts`) and collects its output. */
function runExample(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples/client-script against a running server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('signs in, asks, answers, reads back and reports a typed error', async () => {
    const register = await fetch(`${server.url}/trpc/auth.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'example@devflow.dev',
        username: 'example',
        password: 'example-password-1',
      }),
    });
    expect(register.status).toBe(200);
    const run = await runExample({
      DEVFLOW_URL: server.url,
      DEVFLOW_LOGIN: 'example',
      DEVFLOW_PASSWORD: 'example-password-1',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const db = process.env.DATABASE_URL ? 'postgres' : 'pglite';
    expect(run.stdout).toContain(`server: ok (database ${db}`);
    expect(run.stdout).toContain('signed in as example');
    expect(run.stdout).toMatch(/asked question \d+: How does the DevFlow client batch calls\?/);
    expect(run.stdout).toMatch(/question \d+ has 1 answer\(s\); me = example/);
    expect(run.stdout).toContain('newest questions: 1');
    expect(run.stdout).toContain('missing question: NOT_FOUND (HTTP 404)');
  });
});
