import { createDevflowClient } from '@devflow/client';
import { startTestServer, type TestServer } from '@devflow/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from './run-cli';

const PASSWORD = 'correct horse battery staple';

describe('devflow CLI: watch and bookmark', () => {
  let server: TestServer;
  const carol = tempConfigDir();
  const as = (args: string[]) => runCli(args, { configDir: carol, env: { DEVFLOW_URL: server.url } });
  let questionId = '';

  beforeAll(async () => {
    server = await startTestServer();
    const client = createDevflowClient({ url: server.url });
    const dave = await client.auth.register.mutate({
      email: 'dave@devflow.dev',
      username: 'dave',
      password: PASSWORD,
    });
    await client.auth.register.mutate({ email: 'carol@devflow.dev', username: 'carol', password: PASSWORD });
    const asDave = createDevflowClient({ url: server.url, token: dave.token });
    const question = await asDave.question.create.mutate({
      title: 'Which tags does carol watch from the terminal?',
      body: 'A body that is long enough to be a valid question.',
      tags: ['terminal'],
    });
    questionId = question.id;
    expect((await as(['login', 'carol', '--password', PASSWORD])).code).toBe(0);
  });
  afterAll(() => server.stop());

  it('watches a tag and a question, lists them, and stops watching', async () => {
    expect(await as(['watch', 'tag', 'terminal'])).toMatchObject({
      code: 0,
      stdout: 'Watching tag terminal.\n',
    });
    expect(await as(['watch', 'question', `Q${questionId}`])).toMatchObject({
      code: 0,
      stdout: `Watching Q${questionId}.\n`,
    });
    const list = await as(['watch', 'list']);
    expect(list.stdout).toBe(
      `Tags: terminal\nQuestions:\n  Q${questionId}  Which tags does carol watch from the terminal?\n`,
    );
    const feed = await as(['feed', '--source', 'tags']);
    expect(feed.stdout).toContain(
      `Q${questionId}  dave asked: Which tags does carol watch from the terminal?`,
    );
    expect(await as(['watch', 'tag', 'terminal', '--remove'])).toMatchObject({
      stdout: 'Not watching tag terminal.\n',
    });
    expect(await as(['watch', 'question', questionId, '--remove'])).toMatchObject({
      stdout: `Not watching Q${questionId}.\n`,
    });
    const unknown = await as(['watch', 'tag', 'nobody-uses-this']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^devflow: NOT_FOUND: /);
  });

  it('saves a question, lists bookmarks, and removes it', async () => {
    expect(await as(['bookmark', 'question', questionId])).toMatchObject({
      code: 0,
      stdout: `Saved Q${questionId}.\n`,
    });
    const list = await as(['bookmarks']);
    expect(list.stdout).toMatch(
      new RegExp(`^Q${questionId}  Which tags does carol watch from the terminal\\?  \\(saved `),
    );
    expect(await as(['bookmark', `Q${questionId}`, '--remove'])).toMatchObject({
      stdout: `Removed Q${questionId}.\n`,
    });
    expect((await as(['bookmarks'])).stdout).toBe(
      'Nothing saved yet. Save a post with `devflow bookmark Q12`.\n',
    );
    const again = await as(['bookmark', `Q${questionId}`, '--remove']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/NOT_FOUND/);
  });
});
