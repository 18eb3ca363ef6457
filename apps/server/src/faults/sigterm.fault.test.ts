import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type DbHandle, queryRows } from '@devflow/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, spawnServer } from '../testing/child-server';
import { field, postQuestion, register, type SignedUp } from '../testing/flows';
import { type PrivateService, startPrivatePostgres } from '../testing/private-services';

type Outcome =
  | { kind: 'response'; status: number; body: string; at: number }
  | { kind: 'error'; code: string; at: number };

/** One POST on its own connection (no keep-alive), so each request is either accepted or refused. */
function post(url: string, path: string, body: unknown, token: string): Promise<Outcome> {
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const req = request(
      `${url}/trpc/${path}`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          authorization: `Bearer ${token}`,
          connection: 'close',
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () =>
          resolve({ kind: 'response', status: res.statusCode ?? 0, body: text, at: Date.now() }),
        );
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ kind: 'error', code: error.code ?? 'ERR', at: Date.now() }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'error', code: error.code ?? 'ERR', at: Date.now() }),
    );
    req.end(payload);
  });
}

describe('SIGTERM under load (real server process on private PostgreSQL)', () => {
  let pg: PrivateService;
  let server: ChildServer;
  let db: DbHandle;
  let dataDir: string;
  let users: SignedUp[];
  let questionId: string;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    dataDir = mkdtempSync(join(tmpdir(), 'devflow-sigterm-'));
    server = await spawnServer({
      DATABASE_URL: pg.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      RATE_LIMITS: JSON.stringify({ writes: { points: 100_000, durationSeconds: 60 } }),
    });
    users = [];
    for (let i = 0; i < 8; i++) users.push(await register(server.url, `sigterm_${i}`));
    // The question's author is not among the writers: nobody reacts to their own post.
    const author = await register(server.url, 'sigterm_author');
    questionId = await postQuestion(server.url, author.token, 'Which writes survive a shutdown?');
    db = await createDb({ databaseUrl: pg.url, poolSize: 2 });
  });
  afterAll(async () => {
    server?.kill();
    await db?.close();
    await pg?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes in-flight requests, refuses new ones, exits 0, and leaves no write half-applied', async () => {
    type Sent = {
      kind: 'answer' | 'reaction';
      body: string;
      outcome: Promise<Outcome>;
      phase: 'before' | 'after';
    };
    const sent: Sent[] = [];
    const fire = (round: number, phase: Sent['phase']) => {
      for (const [i, user] of users.entries()) {
        if ((round + i) % 2 === 0) {
          const body = `Answer ${round}/${i} written under load.`;
          sent.push({
            kind: 'answer',
            body,
            phase,
            outcome: post(server.url, 'answer.create', { questionId, body }, user.token),
          });
        } else {
          const value = round % 3 === 0 ? 'dislike' : 'like';
          const input = { targetType: 'question', targetId: questionId, value };
          sent.push({
            kind: 'reaction',
            body: '',
            phase,
            outcome: post(server.url, 'reaction.set', input, user.token),
          });
        }
      }
    };
    for (let round = 0; round < 12; round++) fire(round, 'before');
    // Signal as soon as the first answer is back: the rest of the burst is still in flight.
    await Promise.race(sent.map((s) => s.outcome));
    const killedAt = Date.now();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 400));
    for (let round = 12; round < 15; round++) fire(round, 'after');
    const outcomes = await Promise.all(sent.map((s) => s.outcome));
    expect(await server.exited).toBe(0);

    const stored = await queryRows<{ id: number; body: string }>(
      db.db,
      sql`select id, body from answers where question_id = ${Number(questionId)}`,
    );
    let answered = 0;
    for (const [index, request] of sent.entries()) {
      const outcome = outcomes[index];
      if (!outcome) continue;
      if (outcome.kind === 'response') {
        answered += 1;
        // Nothing is cut off or failed: an accepted request is served in full.
        expect(outcome.status, outcome.body.slice(0, 200)).toBe(200);
        if (request.kind === 'answer') {
          const id = String(field(JSON.parse(outcome.body), 'result', 'data', 'id'));
          expect(stored.filter((row) => String(row.id) === id && row.body === request.body)).toHaveLength(1);
        }
      } else {
        // Refused before the app saw it: nothing of it may be stored.
        expect(['ECONNREFUSED', 'ECONNRESET']).toContain(outcome.code);
        if (request.kind === 'answer')
          expect(stored.filter((row) => row.body === request.body)).toHaveLength(0);
      }
      if (request.phase === 'after')
        expect(outcome.kind, 'new connections after SIGTERM are refused').toBe('error');
    }
    expect(answered).toBeGreaterThan(0);
    const finishedAfterSignal = outcomes.filter((o) => o.kind === 'response' && o.at > killedAt).length;
    expect(finishedAfterSignal, 'requests in flight at SIGTERM were still answered').toBeGreaterThan(0);

    // Every counter equals what it counts: a mutation is applied whole or not at all.
    const [question] = await queryRows<{
      answer_count: number;
      likes: number;
      dislikes: number;
      score: number;
    }>(
      db.db,
      sql`select answer_count, likes, dislikes, score from questions where id = ${Number(questionId)}`,
    );
    const [counts] = await queryRows<{ answers: number; likes: number; dislikes: number }>(
      db.db,
      sql`select
            (select count(*)::int from answers where question_id = ${Number(questionId)} and deleted_at is null) as answers,
            (select count(*)::int from reactions where target_type = 'question' and target_id = ${Number(questionId)} and value = 1) as likes,
            (select count(*)::int from reactions where target_type = 'question' and target_id = ${Number(questionId)} and value = -1) as dislikes`,
    );
    expect(Number(question?.answer_count)).toBe(Number(counts?.answers));
    expect(Number(question?.likes)).toBe(Number(counts?.likes));
    expect(Number(question?.dislikes)).toBe(Number(counts?.dislikes));
    expect(Number(question?.score)).toBe(Number(counts?.likes) - Number(counts?.dislikes));
  });
});
