import { sql } from 'drizzle-orm';
import { plannedReplies } from './plans';
import { randomId, skewedId } from './random';
import type { SeedRun } from './run';

/**
 * Reactions of random users: 40 % on questions and 35 % on answers (both skewed to the older posts), the
 * rest on any reply; four in five are likes. One per user and post: duplicates are skipped.
 */
export function seedReactions(run: SeedRun): Promise<void> {
  const { plan } = run;
  return run.inChunks(
    'reactions',
    plan.reactions,
    (from, to) => sql`
      insert into reactions (user_id, target_type, target_id, value, created_at)
      select ${randomId(plan.users)}, target_type, target_id, case when random() < 0.8 then 1 else -1 end,
        now() - random() * interval '200 days'
      from (
        select
          (case when r < 0.4 then 'question' when r < 0.75 then 'answer' else 'reply' end)::reaction_target
            as target_type,
          case when r < 0.4 then ${skewedId(plan.questions, 2)}
               when r < 0.75 then ${skewedId(plan.answers, 2)}
               else ${randomId(plannedReplies(plan))} end as target_id
        from (select random() as r from generate_series(${from}::bigint, ${to}::bigint)) draw
      ) t
      on conflict do nothing`,
  );
}
