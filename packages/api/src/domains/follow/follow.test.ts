import { followCounts, follows, notifications, queryRows } from '@devflow/db';
import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';

let deps: TestDeps;
let ann: SessionUser;
let ben: SessionUser;
let cat: SessionUser;
let suspended: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps();
  ann = await createTestUser(deps);
  ben = await createTestUser(deps);
  cat = await createTestUser(deps);
  suspended = await createTestUser(deps, { suspendedUntil: new Date(Date.now() + 86_400_000) });
});

afterAll(async () => {
  await deps.close();
});

async function followNotifications(userId: number, actorId: number) {
  const [row] = await deps.db
    .select({ n: count() })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        eq(notifications.actorId, actorId),
        eq(notifications.type, 'follow'),
      ),
    );
  return row?.n;
}

describe('follow.follow / unfollow', () => {
  it('counts following twice once and notifies the followee only the first time', async () => {
    const caller = callerFor(deps, ann);
    expect(await caller.follow.follow({ userId: String(ben.id) })).toEqual({ following: true, followers: 1 });
    expect(await caller.follow.follow({ userId: String(ben.id) })).toEqual({ following: true, followers: 1 });
    expect(await callerFor(deps, cat).follow.follow({ userId: String(ben.id) })).toEqual({
      following: true,
      followers: 2,
    });
    expect(await followNotifications(ben.id, ann.id)).toBe(1);
    expect(await followNotifications(ben.id, cat.id)).toBe(1);
    expect(await caller.follow.status({ userId: String(ben.id) })).toEqual({ following: true });
    expect(await callerFor(deps, ben).follow.status({ userId: String(ann.id) })).toEqual({
      following: false,
    });
    expect(await callerFor(deps, null).follow.status({ userId: String(ben.id) })).toEqual({
      following: false,
    });

    expect(await caller.follow.unfollow({ userId: String(ben.id) })).toEqual({
      following: false,
      followers: 1,
    });
    expect(await caller.follow.unfollow({ userId: String(ben.id) })).toEqual({
      following: false,
      followers: 1,
    });
    expect(await caller.follow.status({ userId: String(ben.id) })).toEqual({ following: false });
    // Following again after unfollowing is a new follow: the followee hears about it again.
    await caller.follow.follow({ userId: String(ben.id) });
    expect(await followNotifications(ben.id, ann.id)).toBe(2);
    expect(await followCounts(deps.db, ben.id)).toEqual({ followers: 2, following: 0 });
    expect(await followCounts(deps.db, ann.id)).toEqual({ followers: 0, following: 1 });
  });

  it('refuses self-follows, unknown users, bad ids and the wrong roles, changing nothing', async () => {
    const [before] = await deps.db.select({ n: count() }).from(follows);
    await expect(callerFor(deps, cat).follow.follow({ userId: String(cat.id) })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'You cannot follow yourself.',
    });
    await expect(callerFor(deps, cat).follow.follow({ userId: '999999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(callerFor(deps, cat).follow.unfollow({ userId: '999999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(callerFor(deps, cat).follow.follow({ userId: '-3' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(callerFor(deps, null).follow.follow({ userId: String(ann.id) })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(callerFor(deps, suspended).follow.follow({ userId: String(ann.id) })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(deps, null).follow.followers({ userId: '999999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      callerFor(deps, null).follow.followers({ userId: String(ann.id), cursor: 'not-a-cursor' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const [after] = await deps.db.select({ n: count() }).from(follows);
    expect(after?.n).toBe(before?.n);
  });
});

describe('follow.followers / following', () => {
  it('pages through followers and followings newest first, without gaps or repeats', async () => {
    const star = await createTestUser(deps);
    const fans = await queryRows<{ id: number | string }>(
      deps.db,
      sql`insert into users (email, username) select 'fan' || g || ${star.id} || '@example.com', 'fan' || g || '_' || ${star.id}
          from generate_series(1, 45) g returning id`,
    );
    const fanIds = fans.map((row) => Number(row.id));
    // Five fans share each timestamp, so the id breaks ties inside a page and across pages.
    await deps.db.execute(
      sql`insert into follows (follower_id, followee_id, created_at)
          select f, ${star.id}, timestamptz '2026-01-01' + ((row_number() over (order by f) - 1) / 5) * interval '1.000001 second'
          from unnest(${sql.raw(`array[${fanIds.join(',')}]::bigint[]`)}) f`,
    );
    const expected = [...fanIds].sort((a, b) => {
      const ta = Math.floor(fanIds.indexOf(a) / 5);
      const tb = Math.floor(fanIds.indexOf(b) / 5);
      return tb - ta || b - a;
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await callerFor(deps, null).follow.followers({
        userId: String(star.id),
        cursor,
        limit: 10,
      });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(expected.map(String));

    // The star follows ann, ben and cat, one after another.
    for (const user of [ann, ben, cat])
      await callerFor(deps, star).follow.follow({ userId: String(user.id) });
    const first = await callerFor(deps, null).follow.following({ userId: String(star.id), limit: 2 });
    expect(first.items.map((item) => item.username)).toEqual([cat.username, ben.username]);
    expect(first.items[0]?.followedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const second = await callerFor(deps, null).follow.following({
      userId: String(star.id),
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second).toMatchObject({ items: [{ username: ann.username }], nextCursor: null });
  });
});
