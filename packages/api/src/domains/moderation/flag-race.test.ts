import { reviewItems, writeSiteSettings } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import { callerFor, createTestDeps, createTestQuestion, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';

/**
 * Flaggers racing at the threshold (meaningful on PostgreSQL, where the calls really run at once; PGlite
 * serializes transactions): each flag counts the flags before it, so exactly `flagsToHide - 1` calls see
 * the post still visible, one hides it, later flaggers find no post (hidden posts are not live), and the
 * post has one review item.
 */

let deps: TestDeps;
let admin: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps({
    rateLimits: { ...defaultApiConfig().rateLimits, writes: { points: 100_000, durationSeconds: 60 } },
  });
  admin = await createTestUser(deps, { role: 'admin' });
  await writeSiteSettings(deps.db, { settings: { flagsToHide: 3 }, updatedBy: admin.id });
});
afterAll(() => deps.close());

describe('flaggers racing at the threshold', () => {
  it('hide the post exactly once, with one review item', async () => {
    const author = await createTestUser(deps);
    for (let round = 0; round < 3; round += 1) {
      const q = await createTestQuestion(deps, author);
      const flaggers = await Promise.all(Array.from({ length: 6 }, () => createTestUser(deps)));
      const outcomes = await Promise.all(
        flaggers.map((user) =>
          callerFor(deps, user)
            .flag.create({ targetType: 'question', targetId: String(q.id), reason: 'spam' })
            .then(
              (flag) => (flag.postHidden ? 'hid it' : 'flagged'),
              (error: unknown) => (error instanceof TRPCError ? error.code : String(error)),
            ),
        ),
      );
      // Two flags below the threshold, the third hides the post, and later flaggers no longer find it.
      expect(outcomes.sort()).toEqual([
        'NOT_FOUND',
        'NOT_FOUND',
        'NOT_FOUND',
        'flagged',
        'flagged',
        'hid it',
      ]);
      const items = await deps.db
        .select()
        .from(reviewItems)
        .where(and(eq(reviewItems.targetType, 'question'), eq(reviewItems.targetId, q.id)));
      expect(items).toHaveLength(1);
      const seen = await callerFor(deps, admin).question.byId({ id: String(q.id) });
      expect(seen.hidden).toBe(true);
    }
  });
});
