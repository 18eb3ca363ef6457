import { createDevflowClient } from '@devflow/client';
import { startTestServer, type TestServer } from '@devflow/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from './run-cli';

const PASSWORD = 'correct horse battery staple';

describe('devflow CLI: flag, close, reopen, review', () => {
  let server: TestServer;
  const mod = tempConfigDir();
  const carol = tempConfigDir();
  const as = (configDir: string) => (args: string[], input?: string) =>
    runCli(args, { configDir, env: { DEVFLOW_URL: server.url }, input });
  let questionId = '';
  let originalId = '';

  beforeAll(async () => {
    server = await startTestServer();
    const client = createDevflowClient({ url: server.url });
    // The first account of an empty database is the admin: a moderator in every way that counts here.
    for (const username of ['modder', 'carol']) {
      await client.auth.register.mutate({ email: `${username}@devflow.dev`, username, password: PASSWORD });
    }
    expect((await as(mod)(['login', 'modder', '--password', PASSWORD])).code).toBe(0);
    expect((await as(carol)(['login', 'carol', '--password', PASSWORD])).code).toBe(0);
    const { token } = await client.auth.login.mutate({ login: 'modder', password: PASSWORD });
    const moderator = createDevflowClient({ url: server.url, token });
    const ask = async (title: string) =>
      (
        await moderator.question.create.mutate({
          title,
          tags: ['cli'],
          body: 'A question body long enough for the rules of the API.',
        })
      ).id;
    originalId = await ask('How do I print a table in a terminal?');
    questionId = await ask('How can I print tables in my terminal app?');
  });
  afterAll(() => server.stop());

  it('flags a post and lists it in the review queue, then dismisses the flag', async () => {
    const flag = await as(carol)(['flag', `Q${questionId}`, '--reason', 'off-topic', '--note', 'Not ours']);
    expect(flag).toMatchObject({ code: 0, stderr: '' });
    expect(flag.stdout).toBe(`Flagged Q${questionId} as off-topic.\n`);
    const again = await as(carol)(['flag', `Q${questionId}`, '--reason', 'spam']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^devflow: CONFLICT: You already flagged this post/);

    const list = await as(mod)(['review', 'list', 'flags']);
    expect(list.code).toBe(0);
    const line = list.stdout.split('\n').find((l) => l.includes(`Q${questionId} `));
    expect(line).toMatch(/\[flags\] .* off-topic ×1 — actions: dismiss, delete$/);
    const itemId = /^#(\d+)/.exec(line ?? '')?.[1] ?? '';
    const resolved = await as(mod)(['review', 'resolve', itemId, 'dismiss']);
    expect(resolved.stdout).toBe(`Resolved #${itemId} (Q${questionId}): dismiss.\n`);
    const history = await as(mod)(['review', 'list', '--resolved']);
    expect(history.stdout).toMatch(new RegExp(`#${itemId} .* dismiss by modder at `));
    expect((await as(carol)(['review', 'list'])).stderr).toMatch(/^devflow: FORBIDDEN: /);
  });

  it('closes a question as a duplicate and reopens it', async () => {
    const close = await as(mod)([
      'close',
      `Q${questionId}`,
      '--reason',
      'duplicate',
      '--duplicate-of',
      originalId,
    ]);
    expect(close).toMatchObject({ code: 0, stderr: '' });
    expect(close.stdout).toBe(
      `Closed Q${questionId} as duplicate of Q${originalId}: How do I print a table in a terminal?.\n`,
    );
    const answer = await as(carol)(['answer', `Q${questionId}`, '--body', 'Use a table library for that.']);
    expect(answer.code).toBe(1);
    expect(answer.stderr).toBe('devflow: FORBIDDEN: This question is closed, so it takes no new answers.\n');
    const missing = await as(mod)(['close', `Q${questionId}`, '--reason', 'duplicate']);
    expect(missing.code).not.toBe(0);
    expect((await as(mod)(['reopen', questionId])).stdout).toBe(`Reopened Q${questionId}.\n`);
    expect((await as(carol)(['close', questionId, '--reason', 'off-topic'])).stderr).toMatch(
      /^devflow: FORBIDDEN: /,
    );
  });

  it('lists what the reputation lets a user do, and what a moderator may do', async () => {
    const carols = await as(carol)(['privileges']);
    expect(carols).toMatchObject({ code: 0, stderr: '' });
    const lines = carols.stdout.split('\n');
    expect(lines[0]).toBe('0 reputation, team preset');
    expect(lines).toContain('yes  Upvote (like) posts (0 reputation)');
    expect(lines).toContain("no   Edit other people's posts (moderators only)");
    expect(lines).toContain('no   Vote to close or reopen questions (moderators only)');
    const json = await as(mod)(['privileges', '--json']);
    const parsed = JSON.parse(json.stdout) as { privileges: { name: string; granted: boolean }[] };
    expect(parsed.privileges.every((row) => row.granted)).toBe(true);
    expect(parsed.privileges.map((row) => row.name)).toContain('editOthers');
  });
});
