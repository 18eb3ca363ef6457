import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbHandle, queryRows } from '../client';
import { createTestDb } from '../testing';
import {
  SEED_PLANS,
  SeedNotEmptyError,
  type SeedPlan,
  type SeedProgress,
  type SeedResult,
  seed,
  seedLandmarks,
} from './index';

/** A made-up PHC string: the seed stores whatever hash it is given (the CLI passes a real argon2id one). */
const PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c2VlZHNlZWRzZWVk$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';

async function count(handle: DbHandle, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await queryRows<{ n: unknown }>(handle.db, query);
  return Number(row?.n);
}

describe('seed (small)', () => {
  let handle: DbHandle;
  let result: SeedResult;
  const progress: SeedProgress[] = [];
  beforeAll(async () => {
    handle = await createTestDb();
    result = await seed(handle.db, {
      size: 'small',
      passwordHash: PASSWORD_HASH,
      chunkSize: 400,
      onProgress: (p) => progress.push(p),
    });
  });
  afterAll(() => handle.close());

  it('writes the planned rows of every kind', () => {
    const plan = SEED_PLANS.small;
    expect(result.users).toBe(plan.users);
    expect(result.questions).toBe(plan.questions);
    expect(result.answers).toBe(plan.answers);
    expect(result.replies).toBe(plan.replies + plan.chains.count * plan.chains.depth + plan.bigThread);
    expect(result.revisions).toBe(plan.questions + plan.answers);
    // Duplicate pairs are skipped, so a little below the plan, never above.
    expect(result.reactions).toBeGreaterThan(plan.reactions * 0.8);
    expect(result.reactions).toBeLessThanOrEqual(plan.reactions);
    expect(result.follows).toBeGreaterThan(plan.follows * 0.6);
    expect(result.acceptedAnswers).toBeGreaterThan(0);
  });

  it('reports progress that only grows and ends at the total', () => {
    expect(progress.length).toBeGreaterThan(5);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]?.done).toBeGreaterThanOrEqual(progress[i - 1]?.done ?? 0);
    }
    const last = progress.at(-1);
    expect(last?.done).toBe(last?.total);
  });

  it('keeps every reaction counter equal to COUNT(*) of its reactions', async () => {
    for (const [table, type] of [
      ['questions', 'question'],
      ['answers', 'answer'],
      ['replies', 'reply'],
    ] as const) {
      const wrong = await count(
        handle,
        sql.raw(`
        select count(*) as n from ${table} p
        left join (
          select target_id, count(*) filter (where value = 1) as l, count(*) filter (where value = -1) as d
          from reactions where target_type = '${type}' group by target_id
        ) r on r.target_id = p.id
        where p.likes <> coalesce(r.l, 0) or p.dislikes <> coalesce(r.d, 0) or p.score <> coalesce(r.l, 0) - coalesce(r.d, 0)`),
      );
      expect(wrong, `${table} with wrong counters`).toBe(0);
    }
    expect(await count(handle, sql`select count(*) as n from reactions where value not in (1, -1)`)).toBe(0);
  });

  it('keeps answer counts, accepted answers and tag usage consistent with the rows', async () => {
    expect(
      await count(
        handle,
        sql`select count(*) as n from questions q
            where q.answer_count <> (select count(*) from answers a where a.question_id = q.id and a.deleted_at is null)`,
      ),
    ).toBe(0);
    expect(
      await count(
        handle,
        sql`select count(*) as n from questions q join answers a on a.id = q.accepted_answer_id where a.question_id <> q.id`,
      ),
    ).toBe(0);
    expect(
      await count(handle, sql`select count(*) as n from questions where answer_count = 0`),
    ).toBeGreaterThan(0);
    expect(
      await count(
        handle,
        sql`select count(*) as n from tags t
            where t.usage_count <> (select count(*) from question_tags qt where qt.tag_id = t.id)`,
      ),
    ).toBe(0);
    const perQuestion = await queryRows<{ min: unknown; max: unknown }>(
      handle.db,
      sql`select min(n) as min, max(n) as max from (select count(*) as n from question_tags group by question_id) x`,
    );
    expect(Number(perQuestion[0]?.min)).toBeGreaterThanOrEqual(1);
    expect(Number(perQuestion[0]?.max)).toBeLessThanOrEqual(5);
    expect(
      await count(
        handle,
        sql`select count(*) as n from questions q where not exists (select 1 from question_tags qt where qt.question_id = q.id)`,
      ),
    ).toBe(0);
  });

  it('builds well-formed reply threads, including a chain 1,000 levels deep', async () => {
    // Every child is one level below its parent and hangs from the same post.
    expect(
      await count(
        handle,
        sql`select count(*) as n from replies c join replies p on p.id = c.parent_id
            where c.depth <> p.depth + 1 or c.target_type <> p.target_type or c.target_id <> p.target_id`,
      ),
    ).toBe(0);
    expect(
      await count(handle, sql`select count(*) as n from replies where parent_id is null and depth <> 0`),
    ).toBe(0);
    expect(result.maxReplyDepth).toBe(SEED_PLANS.small.chains.depth - 1);
    // Every reply's target exists.
    expect(
      await count(
        handle,
        sql`select count(*) as n from replies r where not exists (
          select 1 from questions q where r.target_type = 'question' and q.id = r.target_id
          union all select 1 from answers a where r.target_type = 'answer' and a.id = r.target_id)`,
      ),
    ).toBe(0);
    // The deepest reply reaches the top through 999 parents.
    const [deepest] = await queryRows<{ id: unknown }>(
      handle.db,
      sql`select id from replies order by depth desc limit 1`,
    );
    const levels = await count(
      handle,
      sql`with recursive up as (
            select id, parent_id from replies where id = ${Number(deepest?.id)}
            union all select r.id, r.parent_id from replies r join up on r.id = up.parent_id)
          select count(*) as n from up`,
    );
    expect(levels).toBe(SEED_PLANS.small.chains.depth);
  });

  it('gives every user the same password hash and one admin', async () => {
    expect(await count(handle, sql`select count(distinct password_hash) as n from users`)).toBe(1);
    expect(await count(handle, sql`select count(*) as n from users where role = 'admin'`)).toBe(1);
    expect(await count(handle, sql`select count(*) as n from users where username = 'user1'`)).toBe(1);
  });

  it('leaves identity sequences past the seeded ids, so new rows insert normally', async () => {
    const rows = await queryRows<{ id: unknown }>(
      handle.db,
      sql`insert into tags (slug) values ('after-seed') returning id`,
    );
    expect(Number(rows[0]?.id)).toBeGreaterThan(result.tags);
  });

  it('refuses to seed a database that already has users', async () => {
    await expect(seed(handle.db, { size: 'small', passwordHash: PASSWORD_HASH })).rejects.toBeInstanceOf(
      SeedNotEmptyError,
    );
  });
});

describe('seed (a plan of its own: conversations and side threads, as the bench seeds)', () => {
  const plan: SeedPlan = {
    ...SEED_PLANS.small,
    chains: { count: 2, depth: 30 },
    bigThread: 3000,
    bigThreadShape: { kind: 'conversation', window: 200 },
    sideThreads: [{ replies: 300, shape: { kind: 'conversation', window: 10 } }],
  };
  const landmarks = seedLandmarks(plan);
  let handle: DbHandle;
  let result: SeedResult;
  beforeAll(async () => {
    handle = await createTestDb();
    result = await seed(handle.db, { size: plan, passwordHash: null, chunkSize: 1000 });
  });
  afterAll(() => handle.close());

  /** Replies under one question, and how deep its thread goes (0: top level only). */
  async function threadOf(question: number) {
    const [row] = await queryRows<{ n: unknown; depth: unknown }>(
      handle.db,
      sql`select count(*) as n, max(depth) as depth from replies
          where target_type = 'question' and target_id = ${question}`,
    );
    return { replies: Number(row?.n), depth: Number(row?.depth) };
  }

  it('writes every reply of the plan, well-formed, and users without a password', async () => {
    expect(result.replies).toBe(plan.replies + 2 * 30 + 3000 + 300);
    // A top-level reply sits at depth 0; any other one level below its parent, under the same post.
    const malformed = await count(
      handle,
      sql`select count(*) as n from replies c left join replies p on p.id = c.parent_id
          where case when c.parent_id is null then c.depth <> 0
                else c.depth <> p.depth + 1 or (c.target_type, c.target_id) <> (p.target_type, p.target_id) end`,
    );
    expect(malformed).toBe(0);
    expect(await count(handle, sql`select count(*) as n from users where password_hash is not null`)).toBe(0);
  });

  it('puts the long threads where seedLandmarks says, a conversation far deeper than a tree', async () => {
    const big = await threadOf(landmarks.bigThread);
    expect(big.replies).toBeGreaterThanOrEqual(3000);
    // A 4-ary tree of 3,000 replies is 6 levels deep; a conversation over a window of 200 goes on and on.
    expect(big.depth).toBeGreaterThan(15);
    const [side] = landmarks.sideThreads;
    expect((await threadOf(side ?? 0)).replies).toBeGreaterThanOrEqual(300);
    for (const chain of landmarks.chains) {
      expect((await threadOf(chain)).depth).toBe(plan.chains.depth - 1);
    }
  });
});
