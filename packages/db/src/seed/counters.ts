import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../client';

/**
 * Recomputes every denormalized counter from the rows it summarizes: reaction counts and scores of
 * questions, answers and replies; answer counts, accepted answers and last activity of questions; tag
 * usage. Set-based, so it takes seconds even at a million rows.
 */
export async function updateCounters(db: Database): Promise<void> {
  for (const [table, type] of [
    ['questions', 'question'],
    ['answers', 'answer'],
    ['replies', 'reply'],
  ] as const) {
    await db.execute(
      sql.raw(`
      update ${table} p set likes = r.likes, dislikes = r.dislikes, score = r.likes - r.dislikes
      from (
        select target_id, count(*) filter (where value = 1)::int as likes, count(*) filter (where value = -1)::int as dislikes
        from reactions where target_type = '${type}' group by target_id
      ) r
      where p.id = r.target_id`),
    );
  }
  await db.execute(sql`
    update questions q set answer_count = a.n, last_activity_at = greatest(q.created_at, a.latest)
    from (select question_id, count(*)::int as n, max(created_at) as latest from answers where deleted_at is null group by question_id) a
    where q.id = a.question_id`);
  // A third of the answered questions accept their best answer.
  await db.execute(sql`
    update questions q set accepted_answer_id = best.id
    from (
      select distinct on (question_id) question_id, id from answers where deleted_at is null
      order by question_id, score desc, id
    ) best
    where q.id = best.question_id and q.id % 3 = 0`);
  await db.execute(sql`
    update tags t set usage_count = coalesce(u.n, 0)
    from tags t2 left join (
      select qt.tag_id, count(*)::int as n from question_tags qt
      join questions q on q.id = qt.question_id where q.deleted_at is null group by qt.tag_id
    ) u on u.tag_id = t2.id
    where t.id = t2.id`);
}

/** Moves every identity sequence past the ids the seed wrote, so that new rows insert normally. */
export async function syncIdentities(db: Database): Promise<void> {
  for (const table of ['users', 'questions', 'answers', 'replies', 'tags', 'revisions']) {
    await db.execute(
      sql.raw(
        `select setval(pg_get_serial_sequence('${table}', 'id'), greatest((select coalesce(max(id), 0) from ${table}), 1))`,
      ),
    );
  }
}

/** What a seed wrote: rows per table, counted after the fact. */
export type SeedCounts = {
  users: number;
  follows: number;
  tags: number;
  questions: number;
  answers: number;
  acceptedAnswers: number;
  replies: number;
  reactions: number;
  revisions: number;
  maxReplyDepth: number;
};

/** Counts the rows of every seeded table. */
export async function countSeeded(db: Database): Promise<SeedCounts> {
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`select
      (select count(*) from users) as users, (select count(*) from follows) as follows,
      (select count(*) from tags) as tags, (select count(*) from questions) as questions,
      (select count(*) from answers) as answers,
      (select count(*) from questions where accepted_answer_id is not null) as accepted,
      (select count(*) from replies) as replies, (select count(*) from reactions) as reactions,
      (select count(*) from revisions) as revisions, (select coalesce(max(depth), 0) from replies) as depth`,
  );
  const n = (key: string) => Number(row?.[key] ?? 0);
  return {
    users: n('users'),
    follows: n('follows'),
    tags: n('tags'),
    questions: n('questions'),
    answers: n('answers'),
    acceptedAnswers: n('accepted'),
    replies: n('replies'),
    reactions: n('reactions'),
    revisions: n('revisions'),
    maxReplyDepth: n('depth'),
  };
}
