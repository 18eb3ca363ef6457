import { startTestServer, type TestServer } from '@devflow/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedUrl, runCli, tempConfigDir } from './run-cli';

const expectedDb = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** One line on stderr, and nothing that looks like a stack trace. */
function expectOneLine(stderr: string) {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('devflow CLI without signing in', () => {
  let server: TestServer;
  let configDir: string;
  beforeAll(async () => {
    server = await startTestServer();
    configDir = tempConfigDir();
  });
  afterAll(() => server.stop());

  it('reports the server health as text and as JSON equal to the API answer', async () => {
    const text = await runCli(['health', '--url', server.url], { configDir });
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toContain(`database ${expectedDb}`);
    const json = await runCli(['--json', 'health'], { configDir, env: { DEVFLOW_URL: server.url } });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, db: expectedDb, cache: expect.any(String) });
  });

  it('exits 3 with one clear line when the server is unreachable', async () => {
    const url = await closedUrl();
    const run = await runCli(['list', '--url', url], { configDir });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Could not reach the DevFlow server');
    expect(run.stderr).toContain(url);
    expectOneLine(run.stderr);
  });

  it('exits 2 on usage errors: unknown command, bad id, out-of-range option, bad URL', async () => {
    const unknown = await runCli(['frobnicate'], { configDir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");

    const badId = await runCli(['show', 'abc', '--url', server.url], { configDir });
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('question id must be a number');
    expectOneLine(badId.stderr);

    const badLimit = await runCli(['list', '--limit', '500', '--url', server.url], { configDir });
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('1 to 100');

    const badUrl = await runCli(['health', '--url', 'localhost'], { configDir });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--url must be an http(s) URL');

    const missing = await runCli(['answer'], { configDir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'questionId'");
  });

  it('exits 4 and says how to sign in when a command needs a session', async () => {
    for (const args of [
      ['whoami'],
      ['feed'],
      ['ask', '--title', 'A question title', '--tags', 'cli', '--body', 'A body long enough to be valid.'],
      ['like', 'Q1'],
      ['follow', 'someone'],
    ]) {
      const run = await runCli([...args, '--url', server.url], { configDir });
      expect(run.code, args.join(' ')).toBe(4);
      expect(run.stderr).toContain('Not signed in. Run `devflow login <username>` first.');
      expectOneLine(run.stderr);
    }
  });

  it('prints help and the version with exit 0', async () => {
    const help = await runCli(['--help'], { configDir });
    expect(help.code).toBe(0);
    for (const command of [
      'login',
      'ask',
      'answer',
      'reply',
      'show',
      'list',
      'search',
      'like',
      'follow',
      'feed',
      'seed',
    ]) {
      expect(help.stdout).toContain(command);
    }
    const version = await runCli(['--version'], { configDir });
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });
});
