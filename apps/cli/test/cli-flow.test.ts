import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDevflowClient } from '@devflow/client';
import { startTestServer, type TestServer } from '@devflow/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from './run-cli';

const PASSWORD = 'correct horse battery staple';

describe('devflow CLI: the whole flow against a running server', () => {
  let server: TestServer;
  const alice = tempConfigDir();
  const bob = tempConfigDir();
  const as = (configDir: string) => (args: string[], input?: string) =>
    runCli(args, { configDir, env: { DEVFLOW_URL: server.url }, input });
  let questionId = '';
  let answerId = '';
  let replyId = '';

  beforeAll(async () => {
    server = await startTestServer();
    const client = createDevflowClient({ url: server.url });
    for (const username of ['alice', 'bob']) {
      await client.auth.register.mutate({ email: `${username}@devflow.dev`, username, password: PASSWORD });
    }
  });
  afterAll(() => server.stop());

  it('logs in with the password on stdin and keeps the token in a 0600 file', async () => {
    const run = await as(alice)(['login', 'alice', '--password-stdin'], `${PASSWORD}\n`);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`Signed in to ${server.url} as alice.\n`);
    const file = join(alice, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ url: server.url, username: 'alice' });
    expect(saved.token).toEqual(expect.any(String));
    expect((await as(bob)(['login', 'bob', '--password', PASSWORD])).code).toBe(0);

    const whoami = await as(alice)(['whoami']);
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toMatch(/^alice \((admin|moderator|user)\) on http/);
  });

  it('refuses a wrong password with exit 1 and the tRPC code', async () => {
    const run = await as(tempConfigDir())(['login', 'alice', '--password', 'wrong password!']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^devflow: UNAUTHORIZED: /);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('asks, answers and replies, then shows the question with its reply trees', async () => {
    const ask = await as(alice)([
      'ask',
      '--title',
      'How do I draw reply trees in a terminal?',
      '--tags',
      'cli,unicode',
      '--body',
      'I want box-drawing characters for nested replies in my CLI.',
    ]);
    expect(ask.code).toBe(0);
    questionId = /^Asked Q(\d+): How do I draw reply trees in a terminal\?\n$/.exec(ask.stdout)?.[1] ?? '';
    expect(questionId).not.toBe('');

    const answer = await as(bob)([
      'answer',
      `Q${questionId}`,
      '--body',
      'Draw a tee for middle children and an elbow for the last one.',
    ]);
    expect(answer.code).toBe(0);
    answerId = new RegExp(`^Answered Q${questionId} with A(\\d+)\\.\\n$`).exec(answer.stdout)?.[1] ?? '';
    expect(answerId).not.toBe('');

    const top = await as(alice)(['reply', `Q${questionId}`, '--body', 'Top-level reply on the question']);
    expect(top.code).toBe(0);
    replyId = /^Replied R(\d+) \(depth 0\)\.\n$/.exec(top.stdout)?.[1] ?? '';
    expect(replyId).not.toBe('');
    const nested = await as(bob)([
      'reply',
      'question',
      questionId,
      '--parent',
      replyId,
      '--body',
      'Nested reply by bob',
    ]);
    expect(nested.code).toBe(0);
    expect(nested.stdout).toMatch(/^Replied R\d+ \(depth 1\)\.\n$/);
    const sibling = await as(bob)(['reply', `Q${questionId}`, '--body', 'Second top-level reply']);
    expect(sibling.code).toBe(0);
    const onAnswer = await as(alice)(['reply', `A${answerId}`, '--body', 'Thanks, that works!']);
    expect(onAnswer.code).toBe(0);

    const show = await as(alice)(['show', questionId]);
    expect(show.code).toBe(0);
    const lines = show.stdout.split('\n');
    expect(lines[0]).toBe(`Q${questionId}  How do I draw reply trees in a terminal?`);
    expect(show.stdout).toContain('[cli] [unicode]');
    expect(show.stdout).toContain('asked by alice');
    expect(show.stdout).toContain('I want box-drawing characters for nested replies in my CLI.');
    // The question's thread: two top-level replies, the first with one child.
    const tree = lines.filter((line) => /[├└│]/.test(line)).map((line) => line.replace(/ · .*$/, ''));
    expect(tree).toEqual([
      '  ├─ alice',
      '  │  Top-level reply on the question',
      '  │  └─ bob',
      '  │     Nested reply by bob',
      '  └─ bob',
      '  └─ alice',
    ]);
    expect(show.stdout).toContain('\n     Second top-level reply\n');
    expect(show.stdout).toContain('\n     Thanks, that works!\n');
    expect(show.stdout).toContain(`A${answerId}  score 0 (▲0 ▼0) · by bob`);
  });

  it('shows the first page of each thread and says how to go on; --all follows every page', async () => {
    const treeOf = (stdout: string) =>
      stdout
        .split('\n')
        .filter((line) => /[├└│]/.test(line))
        .map((line) => line.replace(/ · .*$/, ''));
    // Two replies a page: the question's thread (three replies) goes on on a second page.
    const first = await as(alice)(['show', `Q${questionId}`, '--limit', '2']);
    expect(first.code).toBe(0);
    // The question's first two replies, then the answer's thread (one reply).
    expect(treeOf(first.stdout)).toEqual(['  └─ alice', '     └─ bob', '  └─ alice']);
    expect(first.stdout).toContain('\n     Top-level reply on the question\n');
    expect(first.stdout).toContain('\n        Nested reply by bob\n');
    expect(first.stdout).not.toContain('Second top-level reply');
    expect(first.stdout).toContain(
      `\n  … more replies follow: \`devflow show Q${questionId} --all\` prints every page\n`,
    );
    // The answer's thread fits in the page: no hint under it.
    expect(first.stdout.split('more replies follow')).toHaveLength(2);

    const all = await as(alice)(['show', `Q${questionId}`, '--limit', '2', '--all']);
    expect(all.code).toBe(0);
    const whole = await as(alice)(['show', `Q${questionId}`]);
    expect(all.stdout).toBe(whole.stdout);
    expect(all.stdout).toContain('\n     Second top-level reply\n');
    expect(all.stdout).not.toContain('more replies');

    const json = JSON.parse(
      (await as(alice)(['show', questionId, '--limit', '1', '--all', '--json'])).stdout,
    );
    expect(json.replies.items.map((reply: { body: string }) => reply.body)).toEqual([
      'Top-level reply on the question',
      'Nested reply by bob',
      'Second top-level reply',
    ]);
    expect(json.replies).toMatchObject({ nextCursor: null, truncated: false, total: 3 });
    expect(json.replies.items[0].children).toHaveLength(1);

    const bad = await as(alice)(['show', questionId, '--limit', '0']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--limit');
  });

  it('likes an answer and follows its author, whose posts then fill the feed', async () => {
    const like = await as(alice)(['like', `A${answerId}`]);
    expect(like).toMatchObject({ code: 0, stdout: `Liked A${answerId}: score 1 (▲1 ▼0).\n` });
    const dislike = await as(bob)(['dislike', 'question', questionId]);
    expect(dislike.stdout).toBe(`Disliked Q${questionId}: score -1 (▲0 ▼1).\n`);
    const undo = await as(bob)(['dislike', `Q${questionId}`, '--undo']);
    expect(undo.stdout).toBe(`Removed your dislike from Q${questionId}: score 0 (▲0 ▼0).\n`);

    const follow = await as(alice)(['follow', 'bob']);
    expect(follow).toMatchObject({ code: 0, stdout: 'Following bob (1 follower).\n' });
    const feed = await as(alice)(['feed']);
    expect(feed.code).toBe(0);
    expect(feed.stdout).toContain(
      `A${answerId}  bob answered Q${questionId}: How do I draw reply trees in a terminal?`,
    );

    const json = await as(alice)(['feed', '--json']);
    const page = JSON.parse(json.stdout);
    expect(page.items.map((item: { id: string; type: string }) => `${item.type}:${item.id}`)).toContain(
      `answer:${answerId}`,
    );

    const unfollow = await as(alice)(['unfollow', 'bob']);
    expect(unfollow.stdout).toBe('Not following bob (0 followers).\n');
  });

  it('prints JSON for show, list and search that matches the API', async () => {
    const show = JSON.parse((await as(alice)(['show', questionId, '--json'])).stdout);
    expect(show).toMatchObject({
      id: questionId,
      title: 'How do I draw reply trees in a terminal?',
      tags: ['cli', 'unicode'],
    });
    expect(show.answers[0]).toMatchObject({ id: answerId, likes: 1, score: 1 });
    // As the API sends it: flat, each reply naming its children by id.
    const replies: { id: string; body: string; children: string[] }[] = show.replies.items;
    const nested = replies.find((reply) => reply.id === replies[0]?.children[0]);
    expect(nested?.body).toBe('Nested reply by bob');
    expect(show.answers[0].replies.items[0].body).toBe('Thanks, that works!');

    const list = await as(alice)(['list', '--sort', 'newest', '--json']);
    expect(JSON.parse(list.stdout).items[0]).toMatchObject({ id: questionId, answerCount: 1 });
    const text = await as(alice)(['list']);
    expect(text.stdout).toContain(`Q${questionId}`);
    const search = await as(bob)(['search', 'box-drawing', 'characters']);
    expect(search.code).toBe(0);
    expect(search.stdout).toContain(`Q${questionId}`);
  });

  it('exits 1 with the code, message and fields on bad input, and 1 on a missing question', async () => {
    const bad = await as(alice)(['ask', '--title', 'short', '--tags', 'cli', '--body', 'tiny']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^devflow: BAD_REQUEST: .*title/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await as(alice)(['show', '999999999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^devflow: NOT_FOUND: /);
  });

  it('exits 4 when the saved token has expired or was revoked', async () => {
    const stale = tempConfigDir();
    writeFileSync(
      join(stale, 'credentials.json'),
      JSON.stringify({
        url: server.url,
        token: 'expired-or-revoked-token',
        username: 'alice',
        savedAt: new Date().toISOString(),
      }),
      { mode: 0o600 },
    );
    for (const args of [['whoami'], ['feed'], ['like', `Q${questionId}`]]) {
      const run = await as(stale)(args);
      expect(run.code, args.join(' ')).toBe(4);
      expect(run.stderr).toContain(
        'Your session has expired or was revoked. Run `devflow login <username>` again.',
      );
    }
  });

  it('logs out: the server session ends and the token file is removed', async () => {
    const token = JSON.parse(readFileSync(join(bob, 'credentials.json'), 'utf8')).token as string;
    const run = await as(bob)(['logout']);
    expect(run).toMatchObject({ code: 0, stdout: 'Signed out.\n' });
    expect(() => statSync(join(bob, 'credentials.json'))).toThrow();
    const me = await createDevflowClient({ url: server.url, token }).auth.me.query();
    expect(me).toBeNull();
    const after = await as(bob)(['whoami']);
    expect(after.code).toBe(4);
    expect(after.stderr).toContain('Not signed in');
  });
});
