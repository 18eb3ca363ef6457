import { defaultApiConfig } from '@devflow/api';
import { queryRows } from '@devflow/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, field, postQuestion, register, type SignedUp } from '../testing/flows';
import { startTestServer, type TestServer } from '../testing/server';

const CLIENTS = 64;
/** How long the clients write; with setup and checks the file stays well under the 2-minute bound. */
const LOAD_MS = process.env.DATABASE_URL ? 20_000 : 15_000;
const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

type Target = { type: 'question' | 'answer' | 'reply'; id: string; authorId: string };
type Ack = { kind: 'answer' | 'reply'; id: string; body: string };

/** A small deterministic PRNG per client, so a failing run can be reasoned about. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  return (n: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

describe(`soak: ${CLIENTS} concurrent clients writing answers, replies and reactions over HTTP (${backend})`, () => {
  let server: TestServer;
  let users: SignedUp[];
  const targets: Target[] = [];
  const acks: Ack[] = [];
  /** The last acknowledged reaction of each user on each target: what the database must hold. */
  const reactions = new Map<string, 1 | -1 | null>();
  const failures: string[] = [];
  let writes = 0;

  beforeAll(async () => {
    const unlimited = { points: 10_000_000, durationSeconds: 60 };
    server = await startTestServer({
      rateLimits: { ...defaultApiConfig().rateLimits, writes: unlimited, register: unlimited },
    });
    users = [];
    for (let i = 0; i < CLIENTS; i += 8) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(8, CLIENTS - i) }, (_, j) => register(server.url, `soak_${i + j}`)),
      );
      users.push(...batch);
    }
    for (let i = 0; i < 6; i++) {
      const author = users[i];
      if (!author) throw new Error('no author');
      const id = await postQuestion(server.url, author.token, `Soak question number ${i} here`);
      targets.push({ type: 'question', id, authorId: author.id });
    }
  }, 120_000);
  afterAll(() => server?.stop());

  async function client(index: number, user: SignedUp, deadline: number) {
    const pick = random(index * 7919 + 17);
    let n = 0;
    while (Date.now() < deadline) {
      n += 1;
      const action = pick(10);
      const questions = targets.filter((t) => t.type === 'question');
      if (action < 3) {
        const question = questions[pick(questions.length)];
        if (!question) continue;
        const body = `Soak answer ${index}/${n}: an answer with enough words.`;
        const result = await call(
          server.url,
          'answer.create',
          'mutation',
          { questionId: question.id, body },
          user.token,
        );
        writes += 1;
        if (result.status !== 200)
          failures.push(`answer.create ${result.status} ${result.code} ${result.message}`);
        else {
          const id = String(field(result.data, 'id'));
          acks.push({ kind: 'answer', id, body });
          targets.push({ type: 'answer', id, authorId: user.id });
        }
      } else if (action < 6) {
        const parent = targets.filter((t) => t.type !== 'reply')[
          pick(targets.filter((t) => t.type !== 'reply').length)
        ];
        if (!parent) continue;
        const body = `Soak reply ${index}/${n}`;
        const result = await call(
          server.url,
          'reply.create',
          'mutation',
          { targetType: parent.type, targetId: parent.id, body },
          user.token,
        );
        writes += 1;
        if (result.status !== 200)
          failures.push(`reply.create ${result.status} ${result.code} ${result.message}`);
        else {
          const id = String(field(result.data, 'id'));
          acks.push({ kind: 'reply', id, body });
          targets.push({ type: 'reply', id, authorId: user.id });
        }
      } else {
        const target = targets[pick(targets.length)];
        // Reacting to your own post is refused by design; clients only react to others' posts.
        if (!target || target.authorId === user.id) continue;
        const choice = pick(3);
        const value = choice === 0 ? 'like' : choice === 1 ? 'dislike' : null;
        const result = await call(
          server.url,
          'reaction.set',
          'mutation',
          { targetType: target.type, targetId: target.id, value },
          user.token,
        );
        writes += 1;
        if (result.status !== 200)
          failures.push(`reaction.set ${result.status} ${result.code} ${result.message}`);
        else
          reactions.set(
            `${user.id}:${target.type}:${target.id}`,
            value === 'like' ? 1 : value === 'dislike' ? -1 : null,
          );
      }
    }
  }

  it(
    'serves every write without an error while under load',
    async () => {
      const deadline = Date.now() + LOAD_MS;
      await Promise.all(users.map((user, index) => client(index, user, deadline)));
      expect(failures.slice(0, 10)).toEqual([]);
      expect(writes).toBeGreaterThan(CLIENTS);
      expect(acks.length).toBeGreaterThan(0);
    },
    LOAD_MS + 60_000,
  );

  it('stored every acknowledged answer and reply exactly once, and nothing else', async () => {
    const db = server.deps.db;
    for (const kind of ['answer', 'reply'] as const) {
      const table = kind === 'answer' ? sql`answers` : sql`replies`;
      const rows = await queryRows<{ id: number; body: string }>(
        db,
        sql`select id, body from ${table} where body like 'Soak %'`,
      );
      const expected = acks.filter((ack) => ack.kind === kind);
      expect(rows.length, `${kind} rows`).toBe(expected.length);
      const byId = new Map(rows.map((row) => [String(row.id), row.body]));
      for (const ack of expected) expect(byId.get(ack.id), `${kind} ${ack.id}`).toBe(ack.body);
    }
  });

  it('holds exactly the last acknowledged reaction of every user on every post', async () => {
    const rows = await queryRows<{ user_id: number; target_type: string; target_id: number; value: number }>(
      server.deps.db,
      sql`select user_id, target_type, target_id, value from reactions`,
    );
    const stored = new Map(
      rows.map((row) => [`${row.user_id}:${row.target_type}:${row.target_id}`, Number(row.value)]),
    );
    for (const [key, value] of reactions) expect(stored.get(key) ?? null, key).toBe(value);
    const expectedCount = [...reactions.values()].filter((value) => value !== null).length;
    expect(rows.length).toBe(expectedCount);
  });

  it('keeps every counter equal to the COUNT(*) it summarizes', async () => {
    const db = server.deps.db;
    const mismatches = await queryRows<Record<string, unknown>>(
      db,
      sql`
        with counted as (
          select 'question' as type, q.id, q.likes, q.dislikes, q.score, q.answer_count as stored_answers,
                 (select count(*)::int from answers a where a.question_id = q.id and a.deleted_at is null) as answers
          from questions q
          union all
          select 'answer', a.id, a.likes, a.dislikes, a.score, 0, 0 from answers a
          union all
          select 'reply', r.id, r.likes, r.dislikes, r.score, 0, 0 from replies r
        )
        select c.*, 
               (select count(*)::int from reactions x where x.target_type::text = c.type and x.target_id = c.id and x.value = 1) as real_likes,
               (select count(*)::int from reactions x where x.target_type::text = c.type and x.target_id = c.id and x.value = -1) as real_dislikes
        from counted c
      `,
    );
    const wrong = mismatches.filter(
      (row) =>
        Number(row.likes) !== Number(row.real_likes) ||
        Number(row.dislikes) !== Number(row.real_dislikes) ||
        Number(row.score) !== Number(row.real_likes) - Number(row.real_dislikes) ||
        Number(row.stored_answers) !== Number(row.answers),
    );
    expect(mismatches.length).toBeGreaterThan(6);
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
