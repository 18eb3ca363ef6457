import {
  answers,
  communityReputationCountsStatement,
  queryRows,
  questions,
  reputationCountsStatement,
} from '@devflow/db';
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestUser,
  createTestVotes,
  type TestDeps,
} from '../../testing';
import type { SessionUser } from '../../trpc/context';
import { COMMUNITY_REPUTATION_RULE, REPUTATION_RULE, reputationOf } from './reputation';

let deps: TestDeps;
let admin: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps({
    rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 100_000, durationSeconds: 60 } },
  });
  admin = await createTestUser(deps, { role: 'admin' });
});

afterAll(async () => {
  await deps.close();
});

async function usePreset(preset: 'team' | 'community') {
  // Voting stays open to everyone: these tests are about points, not privileges.
  await callerFor(deps, admin).admin.settings.set({
    privilegePreset: preset,
    thresholds: { voteUp: 0, voteDown: 0 },
  });
}

async function reputation(user: SessionUser): Promise<number> {
  return (await callerFor(deps, null).user.byUsername({ username: user.username })).reputation;
}

function vote(
  voter: SessionUser,
  targetType: 'question' | 'answer',
  id: number,
  value: 'like' | 'dislike' | null,
) {
  return callerFor(deps, voter).reaction.set({ targetType, targetId: String(id), value });
}

describe('reputation under the community rules', () => {
  beforeAll(() => usePreset('community'));

  it('earns +5 for an upvote on a question, +10 on an answer, +15 for an accepted answer; a downvote costs −2', async () => {
    const [author, asker, voter] = [
      await createTestUser(deps),
      await createTestUser(deps),
      await createTestUser(deps),
    ];
    const question = await createTestQuestion(deps, author);
    await vote(voter, 'question', question.id, 'like');
    expect(await reputation(author)).toBe(COMMUNITY_REPUTATION_RULE.questionUpvote);
    const answer = await createTestAnswer(deps, author, await createTestQuestion(deps, asker));
    await vote(voter, 'answer', answer.id, 'like');
    expect(await reputation(author)).toBe(5 + 10);
    await callerFor(deps, asker).answer.accept({ answerId: String(answer.id) });
    expect(await reputation(author)).toBe(5 + 10 + 15);
    await vote(voter, 'question', question.id, 'dislike');
    expect(await reputation(author)).toBe(10 + 15 - 2);
  });

  it('charges the voter −1 for downvoting an answer, nothing for a question, and refunds a cleared vote', async () => {
    const [author, voter] = [await createTestUser(deps), await createTestUser(deps)];
    const question = await createTestQuestion(deps, author);
    const answer = await createTestAnswer(deps, author, question);
    await vote(voter, 'question', question.id, 'dislike');
    expect(await reputation(voter)).toBe(0);
    await vote(voter, 'answer', answer.id, 'dislike');
    expect(await reputation(voter)).toBe(COMMUNITY_REPUTATION_RULE.answerDownvoteCast);
    await vote(voter, 'answer', answer.id, null);
    expect(await reputation(voter)).toBe(0);
  });

  it('caps the points from upvotes at 200 a day (UTC), while other days and downvotes still count', async () => {
    const author = await createTestUser(deps);
    const answer = await createTestAnswer(deps, author, await createTestQuestion(deps, admin));
    const today = new Date();
    // Votes written straight to the table: read the rule itself, not the profile cache.
    const reputation = (user: SessionUser) => reputationOf(deps.db, user.id, 'community');
    await createTestVotes(deps, { type: 'answer', id: answer.id }, 25, { at: today });
    expect(await reputation(author)).toBe(COMMUNITY_REPUTATION_RULE.dailyCap);
    await createTestVotes(deps, { type: 'answer', id: answer.id }, 3, {
      at: new Date(today.getTime() - 2 * 86_400_000),
    });
    expect(await reputation(author)).toBe(200 + 30);
    await createTestVotes(deps, { type: 'answer', id: answer.id }, 1, { value: -1, at: today });
    expect(await reputation(author)).toBe(200 + 30 - 2);
  });
});

describe('reputation under the team rules (the default)', () => {
  beforeAll(() => usePreset('team'));

  it('keeps today’s numbers: +10 a like, −2 a dislike, nothing for the voter', async () => {
    const [author, voter] = [await createTestUser(deps), await createTestUser(deps)];
    const answer = await createTestAnswer(deps, author, await createTestQuestion(deps, admin));
    await vote(voter, 'answer', answer.id, 'like');
    expect(await reputation(author)).toBe(REPUTATION_RULE.like);
    await vote(voter, 'answer', answer.id, 'dislike');
    expect(await reputation(author)).toBe(REPUTATION_RULE.dislike);
    expect(await reputation(voter)).toBe(0);
  });
});

/** A small deterministic random generator (mulberry32), so a failure replays. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type VoteRow = {
  user_id: number | string;
  target_type: string;
  value: number;
  day: string;
  author_id: number | string;
  deleted: boolean;
};

/**
 * Both rules, recomputed here from the raw rows with none of the service's code: every reaction with its
 * UTC day and its post's author, and every accepted answer.
 */
async function recompute(
  userIds: number[],
): Promise<{ team: Map<number, number>; community: Map<number, number> }> {
  const votes = await queryRows<VoteRow>(
    deps.db,
    sql`select r.user_id, r.target_type::text, r.value, to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD') as day,
               coalesce(q.author_id, a.author_id) as author_id,
               coalesce(q.deleted_at, a.deleted_at) is not null as deleted
          from reactions r
          left join questions q on r.target_type = 'question' and q.id = r.target_id
          left join answers a on r.target_type = 'answer' and a.id = r.target_id
          where r.target_type in ('question', 'answer')`,
  );
  const accepted = await queryRows<{ author_id: number | string }>(
    deps.db,
    sql`select a.author_id from ${questions} q join ${answers} a on a.id = q.accepted_answer_id
          where q.deleted_at is null and a.deleted_at is null and q.author_id <> a.author_id`,
  );
  const team = new Map<number, number>();
  const community = new Map<number, number>();
  const upByDay = new Map<string, number>();
  const add = (map: Map<number, number>, id: number, points: number) =>
    map.set(id, (map.get(id) ?? 0) + points);
  for (const row of votes) {
    const author = Number(row.author_id);
    if (!row.deleted) {
      add(team, author, row.value > 0 ? 10 : -2);
      if (row.value > 0) {
        const key = `${author}/${row.day}`;
        upByDay.set(key, (upByDay.get(key) ?? 0) + (row.target_type === 'question' ? 5 : 10));
      } else add(community, author, -2);
    }
    if (row.value < 0 && row.target_type === 'answer' && !row.deleted)
      add(community, Number(row.user_id), -1);
  }
  for (const [key, points] of upByDay) add(community, Number(key.split('/')[0]), Math.min(points, 200));
  for (const row of accepted) {
    add(team, Number(row.author_id), 15);
    add(community, Number(row.author_id), 15);
  }
  const only = (map: Map<number, number>) => new Map(userIds.map((id) => [id, map.get(id) ?? 0]));
  return { team: only(team), community: only(community) };
}

describe('recomputing reputation from the rows', () => {
  it('gives the same numbers as profiles show, in both presets, after a few hundred random votes', async () => {
    await usePreset('team');
    const next = random(18);
    const people = await Promise.all(Array.from({ length: 8 }, () => createTestUser(deps)));
    const posts: {
      type: 'question' | 'answer';
      id: number;
      author: SessionUser;
      questionId: number;
      asker: SessionUser;
    }[] = [];
    for (const [i, author] of people.entries()) {
      const asker = people[(i + 1) % people.length] ?? admin;
      const question = await createTestQuestion(deps, asker);
      const answer = await createTestAnswer(deps, author, question);
      posts.push({ type: 'question', id: question.id, author: asker, questionId: question.id, asker });
      posts.push({ type: 'answer', id: answer.id, author, questionId: question.id, asker });
    }
    for (let i = 0; i < 200; i++) {
      const voter = people[Math.floor(next() * people.length)] ?? admin;
      const post = posts[Math.floor(next() * posts.length)];
      if (!post || post.author.id === voter.id) continue;
      const roll = next();
      await vote(voter, post.type, post.id, roll < 0.6 ? 'like' : roll < 0.9 ? 'dislike' : null);
      if (i % 40 === 0 && post.type === 'answer') {
        await callerFor(deps, post.asker).answer.accept({ answerId: String(post.id) });
      }
    }
    // Votes of earlier days, past the daily cap, and a deleted post's votes (which count for nobody).
    const busy = posts[1];
    if (busy)
      await createTestVotes(deps, { type: 'answer', id: busy.id }, 30, {
        at: new Date(Date.now() - 86_400_000),
      });
    const gone = posts[2];
    if (gone) await callerFor(deps, gone.author).question.delete({ id: String(gone.id) });

    const ids = people.map((user) => user.id);
    const expected = await recompute(ids);
    const shown = async () =>
      new Map(await Promise.all(people.map(async (user) => [user.id, await reputation(user)] as const)));
    expect(await shown()).toEqual(expected.team);
    await usePreset('community');
    expect(await shown()).toEqual(expected.community);
    expect([...expected.community.values()]).not.toEqual([...expected.team.values()]);
  });
});

describe('reputation statements’ plans', () => {
  /** The plan of a statement with sequential scans priced out: a seq scan left in it has no index to use. */
  async function planOf(statement: SQL): Promise<string> {
    return deps.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = await queryRows<{ 'QUERY PLAN': string }>(tx, sql`explain ${statement}`);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
  }

  // Every upvote checks the author's reputation badges and every profile shows it: counting accepted
  // answers must not read every question (it did: 438 ms per call on 100,000 questions, bench/RESULTS.md).
  it.each([
    ['team', () => reputationCountsStatement(admin.id)],
    [
      'community',
      () =>
        communityReputationCountsStatement(admin.id, { questionUpvote: 5, answerUpvote: 10, dailyCap: 200 }),
    ],
  ] as const)(
    'finds the accepted answers of an author through indexes (%s rules)',
    async (_preset, statement) => {
      const plan = await planOf(statement());
      expect(plan).not.toMatch(/Seq Scan on questions/);
      expect(plan).toContain('questions_accepted_answer_idx');
    },
  );
});
