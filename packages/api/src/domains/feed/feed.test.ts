import { answers, queryRows, questions } from '@devflow/db';
import { QueryCounter } from '@devflow/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callerFor,
  createTestAnswer,
  createTestDeps,
  createTestQuestion,
  createTestUser,
  type TestDeps,
} from '../../testing';
import type { SessionUser } from '../../trpc/context';
import { excerptOf } from '../posts/posts';

const counter = new QueryCounter();
let deps: TestDeps;
let viewer: SessionUser;
let amy: SessionUser;
let bo: SessionUser;
let cy: SessionUser;

type Expected = { type: 'question' | 'answer'; id: string; at: number; authorId: number; title: string };
const posted: Expected[] = [];

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

async function ask(author: SessionUser, minute: number, deleted = false) {
  const question = await createTestQuestion(deps, author, {
    createdAt: at(minute),
    deletedAt: deleted ? at(minute + 1) : null,
  });
  if (!deleted) {
    posted.push({
      type: 'question',
      id: String(question.id),
      at: minute,
      authorId: author.id,
      title: question.title,
    });
  }
  return question;
}

async function answer(
  author: SessionUser,
  question: { id: number; title: string },
  minute: number,
  live = true,
) {
  const row = await createTestAnswer(deps, author, question, { createdAt: at(minute) });
  if (live)
    posted.push({
      type: 'answer',
      id: String(row.id),
      at: minute,
      authorId: author.id,
      title: question.title,
    });
  return row;
}

/** The feed as the product should show it: followed authors' posts, newest first, ties broken by type and id. */
function expectedFeed(followed: number[]) {
  return posted
    .filter((p) => followed.includes(p.authorId))
    .sort((a, b) => b.at - a.at || b.type.localeCompare(a.type) || Number(b.id) - Number(a.id))
    .map((p) => `${p.type}:${p.id}`);
}

async function readFeed(user: SessionUser, limit: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await callerFor(deps, user).feed.list({ cursor, limit });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((item) => `${item.type}:${item.id}`));
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

beforeAll(async () => {
  deps = await createTestDeps({}, { logger: counter });
  viewer = await createTestUser(deps);
  amy = await createTestUser(deps);
  bo = await createTestUser(deps);
  cy = await createTestUser(deps);
  const q1 = await ask(amy, 1);
  await ask(amy, 5);
  await ask(amy, 5);
  await ask(amy, 7, true);
  const q2 = await ask(bo, 5);
  await answer(bo, q1, 5);
  await answer(bo, q1, 3);
  await answer(amy, q2, 9);
  const cyQuestion = await ask(cy, 2);
  await answer(cy, q1, 6);
  await answer(amy, cyQuestion, 8);
  // Answers of a deleted question and deleted answers stay out.
  const gone = await ask(cy, 4, true);
  await answer(amy, gone, 4, false);
  const deletedAnswer = await answer(bo, cyQuestion, 10, false);
  await deps.db
    .update(answers)
    .set({ deletedAt: at(11) })
    .where(eq(answers.id, deletedAnswer.id));
  await callerFor(deps, viewer).follow.follow({ userId: String(amy.id) });
  await callerFor(deps, viewer).follow.follow({ userId: String(bo.id) });
});

afterAll(async () => {
  await deps.close();
});

describe('feed.list', () => {
  it("shows exactly the followed users' live posts, newest first, across pages", async () => {
    const expected = expectedFeed([amy.id, bo.id]);
    expect(expected).toHaveLength(8);
    expect(await readFeed(viewer, 2)).toEqual(expected);
    expect(await readFeed(viewer, 100)).toEqual(expected);
  });

  it('describes each item: title of the question, plain excerpt, author, score, answer count', async () => {
    const page = await callerFor(deps, viewer).feed.list({ limit: 100 });
    for (const item of page.items) {
      const source = posted.find((p) => p.type === item.type && p.id === item.id);
      expect(item.title).toBe(source?.title);
      expect(item.author.id).toBe(String(source?.authorId));
      expect(item.excerpt).not.toMatch(/[<>]/);
      expect(item.excerpt.length).toBeGreaterThan(0);
      if (item.type === 'question') {
        expect(item.questionId).toBe(item.id);
        const [row] = await deps.db
          .select()
          .from(questions)
          .where(eq(questions.id, Number(item.id)));
        expect(item.answerCount).toBe(row?.answerCount);
      } else {
        expect(item.answerCount).toBeUndefined();
      }
    }
  });

  it('drops an unfollowed user and shows nothing to someone who follows nobody', async () => {
    await callerFor(deps, viewer).follow.unfollow({ userId: String(bo.id) });
    expect(await readFeed(viewer, 3)).toEqual(expectedFeed([amy.id]));
    await callerFor(deps, viewer).follow.follow({ userId: String(bo.id) });
    expect(await callerFor(deps, cy).feed.list({})).toEqual({ items: [], nextCursor: null });
  });

  it('is for signed-in users and rejects forged cursors and bad limits', async () => {
    await expect(callerFor(deps, null).feed.list({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(callerFor(deps, viewer).feed.list({ cursor: 'abc' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(callerFor(deps, viewer).feed.list({ limit: 101 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('feed.list at scale', () => {
  it('pages 1,000 followees with 10,000 posts in one query each, matching a plain ORDER BY over all of them', async () => {
    const fanatic = await createTestUser(deps);
    const prefix = `scale${fanatic.id}_`;
    await deps.db.execute(sql`
      insert into users (email, username)
      select ${prefix} || g || '@example.com', ${prefix} || g from generate_series(1, 1000) g`);
    await deps.db.execute(sql`
      insert into follows (follower_id, followee_id)
      select ${fanatic.id}, id from users where username like ${`${prefix}%`}`);
    // Five questions and five answers each, on a coarse clock so many posts share a timestamp.
    await deps.db.execute(sql`
      insert into questions (author_id, title, body, body_html, created_at)
      select u.id, 'Question ' || g || ' by ' || u.username, 'body', '<p>body</p>',
        timestamptz '2026-02-01' + ((u.id * 7 + g * 13) % 500) * interval '1 minute'
      from users u cross join generate_series(1, 5) g where u.username like ${`${prefix}%`}`);
    // Users were inserted in one statement, so their ids are consecutive from the first one.
    await deps.db.execute(sql`
      insert into answers (question_id, author_id, body, body_html, created_at)
      select q.id, b.lo + (q.id * 7) % 1000, 'answer', '<p>answer</p>', q.created_at + ((q.id * 11) % 97) * interval '1 minute'
      from questions q
      cross join (select min(id) as lo from users where username like ${`${prefix}%`}) b
      where q.author_id >= b.lo and q.author_id < b.lo + 1000`);
    const oracle = await queryRows<{ key: string }>(
      deps.db,
      sql`select type || ':' || id as key from (
            select 'question' as type, q.id, q.created_at from questions q
            join follows f on f.followee_id = q.author_id and f.follower_id = ${fanatic.id}
            where q.deleted_at is null
            union all
            select 'answer', a.id, a.created_at from answers a
            join follows f on f.followee_id = a.author_id and f.follower_id = ${fanatic.id}
            join questions aq on aq.id = a.question_id and aq.deleted_at is null
            where a.deleted_at is null
          ) posts
          order by created_at desc, type desc, id desc
          limit 120`,
    );
    expect(oracle).toHaveLength(120);
    const seen: string[] = [];
    let cursor: string | null = null;
    while (seen.length < 120) {
      // Mail jobs of the writes above run in the background on this database: let them finish first.
      await deps.jobs.drainJobs();
      const { result, statements } = await counter.measure(() =>
        callerFor(deps, fanatic).feed.list({ cursor, limit: 40 }),
      );
      expect(statements).toHaveLength(1);
      seen.push(...result.items.map((item) => `${item.type}:${item.id}`));
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(oracle.map((row) => row.key));
  });
});

describe('excerptOf', () => {
  it('turns rendered HTML into at most 200 characters of plain text, cut at a word', () => {
    const html = `<h1>Title</h1><p>Use <code>a &lt; b</code> &amp; <strong>more</strong></p>${'<p>word </p>'.repeat(80)}`;
    const text = excerptOf(html);
    expect(text.startsWith('Title Use a < b & more word')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(200);
    expect(text.endsWith('word…')).toBe(true);
    expect(excerptOf('<p>short</p>')).toBe('short');
  });
});
