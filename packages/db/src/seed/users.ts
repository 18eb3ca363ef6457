import { sql } from 'drizzle-orm';
import { randomId, skewedId } from './random';
import type { SeedRun } from './run';

/**
 * Users `user1`…`userN` (`user1@seed.devflow.dev`, …), all with `passwordHash` (null: no password); user 1
 * is an admin, user 2 a moderator. Accounts date from about 400 days ago, one second apart.
 */
export function seedUsers(run: SeedRun, passwordHash: string | null): Promise<void> {
  return run.inChunks(
    'users',
    run.plan.users,
    (from, to) => sql`
      insert into users (id, email, username, password_hash, display_name, bio, bio_html, role, email_verified,
                         created_at, updated_at)
      overriding system value
      select g, 'user' || g || '@seed.devflow.dev', 'user' || g, ${passwordHash},
        'User ' || g, 'Seeded account number ' || g || '.', '<p>Seeded account number ' || g || '.</p>',
        (case when g = 1 then 'admin' when g = 2 then 'moderator' else 'user' end)::user_role, true,
        now() - interval '400 days' + g * interval '1 second', now()
      from generate_series(${from}::bigint, ${to}::bigint) g`,
  );
}

/** Follows from random users to skewed followees (a few popular users); duplicates and self-follows are skipped. */
export function seedFollows(run: SeedRun): Promise<void> {
  const { users } = run.plan;
  return run.inChunks(
    'follows',
    run.plan.follows,
    (from, to) => sql`
      insert into follows (follower_id, followee_id, created_at)
      select follower, followee, now() - random() * interval '300 days'
      from (
        select ${randomId(users)} as follower, ${skewedId(users, 3)} as followee
        from generate_series(${from}::bigint, ${to}::bigint)
      ) pairs
      where follower <> followee
      on conflict do nothing`,
  );
}
