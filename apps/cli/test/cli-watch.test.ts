import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDevflowClient } from '@devflow/client';
import { startTestServer, type TestServer } from '@devflow/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempConfigDir } from './run-cli';

const bin = fileURLToPath(new URL('../bin/devflow.mjs', import.meta.url));

describe('devflow watch', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('prints each event of a question as one JSON object a line, as it happens, until Ctrl-C', async () => {
    const client = createDevflowClient({ url: server.url });
    const asker = await client.auth.register.mutate({
      email: 'watch-asker@devflow.dev',
      username: 'watch_asker',
      password: 'correct horse battery staple',
    });
    const answerer = await client.auth.register.mutate({
      email: 'watch-answerer@devflow.dev',
      username: 'watch_answerer',
      password: 'correct horse battery staple',
    });
    const question = await createDevflowClient({
      url: server.url,
      token: asker.token,
    }).question.create.mutate({
      title: 'How does devflow watch print events?',
      body: 'Each event should be one JSON object on its own line.',
      tags: ['cli'],
    });
    const configDir = tempConfigDir();
    const child = spawn(process.execPath, [bin, '--json', 'watch', `Q${question.id}`], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: configDir,
        DEVFLOW_CONFIG_DIR: configDir,
        DEVFLOW_URL: server.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const writer = createDevflowClient({ url: server.url, token: answerer.token });
    // The watcher attaches asynchronously: post replies until it prints one, then the answer.
    const waitFor = async (text: string, post: () => Promise<unknown>) => {
      const deadline = Date.now() + 30_000;
      let last = 0;
      while (!stdout.includes(text)) {
        if (Date.now() > deadline) throw new Error(`"${text}" not printed: ${stdout} ${stderr}`);
        if (Date.now() - last > 1000) {
          last = Date.now();
          await post();
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await waitFor('reply.created', () =>
      writer.reply.create.mutate({ targetType: 'question', targetId: question.id, body: 'are you there?' }),
    );
    await writer.answer.create.mutate({
      questionId: question.id,
      body: 'An answer the watcher prints as JSON.',
    });
    await waitFor('answer.created', async () => {});
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; type: string });
    expect(lines.every((line) => /^\d+$/.test(line.id))).toBe(true);
    const answer = lines.find((line) => line.type === 'answer.created');
    expect(answer).toMatchObject({
      answer: { body: 'An answer the watcher prints as JSON.' },
      answerCount: 1,
    });
  });
});
