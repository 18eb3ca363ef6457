import { type SQL, sql } from 'drizzle-orm';
import { type Database, queryRows } from './client';

/** Named data-set sizes (issue 8's benchmark numbers are `large`). */
export type SeedSize = 'small' | 'medium' | 'large';

/** How many rows of each kind a size asks for (reactions and follows may land a little lower: duplicates are skipped). */
export type SeedPlan = {
  users: number;
  follows: number;
  questions: number;
  answers: number;
  /** Replies in small trees spread over questions and answers. */
  replies: number;
  /** Chains where every reply answers the previous one. */
  chains: { count: number; depth: number };
  /** One bushy thread under a single question. */
  bigThread: number;
  reactions: number;
};

/** The plans behind each size. */
export const SEED_PLANS: Record<SeedSize, SeedPlan> = {
  small: {
    users: 40,
    follows: 200,
    questions: 120,
    answers: 300,
    replies: 600,
    chains: { count: 1, depth: 1000 },
    bigThread: 200,
    reactions: 1500,
  },
  medium: {
    users: 2_000,
    follows: 20_000,
    questions: 10_000,
    answers: 50_000,
    replies: 90_000,
    chains: { count: 2, depth: 1000 },
    bigThread: 10_000,
    reactions: 200_000,
  },
  large: {
    users: 20_000,
    follows: 200_000,
    questions: 100_000,
    answers: 500_000,
    replies: 895_000,
    chains: { count: 5, depth: 1000 },
    bigThread: 100_000,
    reactions: 2_000_000,
  },
};

/** The password of every seeded user (benchmarks sign in as `user1`…`userN`). */
export const SEED_PASSWORD = 'devflow-seed-password';

/** Progress of a running seed: rows written so far out of the planned total. */
export type SeedProgress = { phase: string; done: number; total: number };

/** Options of `seed`. */
export type SeedOptions = {
  size: SeedSize;
  /** argon2id hash of `SEED_PASSWORD`, computed once by the caller and stored for every user. */
  passwordHash: string;
  /** Called after every chunk (a few hundred times for `large`). */
  onProgress?: (progress: SeedProgress) => void;
  /** Rows per INSERT statement; bigger is faster, smaller reports progress more often. */
  chunkSize?: number;
};

/** What `seed` wrote: rows per table, counted after the fact. */
export type SeedResult = {
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
  ms: number;
};

/** Thrown when the database already holds users: seeding is for empty databases. */
export class SeedNotEmptyError extends Error {
  constructor() {
    super('The database already has users: seed an empty database (or drop its data first).');
    this.name = 'SeedNotEmptyError';
  }
}

const TAGS = [
  'typescript',
  'javascript',
  'node.js',
  'react',
  'postgresql',
  'sql',
  'rust',
  'go',
  'python',
  'docker',
  'kubernetes',
  'redis',
  'css',
  'html',
  'git',
  'linux',
  'bash',
  'testing',
  'performance',
  'security',
  'trpc',
  'drizzle',
  'zod',
  'vite',
  'hono',
  'graphql',
  'aws',
  'c++',
  'c#',
  'java',
];

/** A SQL array literal of constant words (our own lists, never user input). */
function words(list: readonly string[]): SQL {
  return sql.raw(`array[${list.map((word) => `'${word.replace(/'/g, "''")}'`).join(',')}]::text[]`);
}

const OPENERS = words([
  'How do I',
  'Why does',
  'What is the best way to',
  'Is it possible to',
  'When should I',
  'How can I avoid having to',
]);
const VERBS = words([
  'configure',
  'debug',
  'speed up',
  'test',
  'deploy',
  'migrate',
  'paginate',
  'cache',
  'validate',
  'type',
]);
const OBJECTS = words([
  'a recursive CTE',
  'keyset pagination',
  'a tRPC router',
  'a Drizzle schema',
  'Redis sessions',
  'a Docker image',
  'a React hook',
  'full-text search',
  'an argon2 hash',
  'a zod schema',
  'a Hono middleware',
  'a PostgreSQL index',
  'a GIN index',
  'a connection pool',
  'a CI pipeline',
]);
const ENDINGS = words([
  'in production',
  'without downtime',
  'on two cores',
  'with PGlite',
  'under load',
  'in a monorepo',
  'for large tables',
]);
const SENTENCES = words([
  'I have tried the documented approach but it still fails intermittently.',
  'The query plan shows a sequential scan even though an index exists.',
  'Locally everything works; in CI the same test times out.',
  'Here is a minimal reproduction with the versions I use.',
  'Memory grows steadily until the process is killed.',
  'The error message mentions a missing relation, yet the migration ran.',
  'I would prefer a solution that does not need another dependency.',
  'Benchmarks show p99 latency doubling after the change.',
]);
const ANSWERS = words([
  'Add a composite index that matches the ORDER BY, then the planner can walk it in order.',
  'Wrap both statements in one transaction so a failure leaves nothing half-written.',
  'Prepare the statement once and reuse it; parsing dominated your profile.',
  'Turn off JIT for this query: it compiles longer than the query runs.',
  'Use a keyset cursor instead of OFFSET; the deep pages stay fast.',
  'Validate at the edge with zod and trust the typed value inside.',
  'Set maxItems on the client so batches never exceed the server limit.',
]);
const REPLIES = words([
  'Thanks, that fixed it!',
  'Could you share the EXPLAIN output?',
  'Which version are you on?',
  'Same problem here on Postgres 15.',
  'This works, but only with the index.',
  'Good point, I missed that.',
  'Have you tried it with a smaller batch?',
  'Confirmed on Node 20 as well.',
]);

/** Picks one element of a word array at random (`arr[1 + floor(random()*n)]`). */
function pick(list: SQL): SQL {
  return sql`(${list})[1 + floor(random() * cardinality(${list}))::int]`;
}

type Ctx = {
  db: Database;
  total: number;
  done: number;
  chunk: number;
  onProgress: ((progress: SeedProgress) => void) | undefined;
};

async function scalar(db: Database, query: SQL): Promise<number> {
  const [row] = await queryRows<{ value: unknown }>(db, query);
  return Number(row?.value ?? 0);
}

/** Runs `build(from, to)` for consecutive 1-based ranges covering `count` rows, reporting progress. */
async function chunked(ctx: Ctx, phase: string, count: number, build: (from: number, to: number) => SQL) {
  for (let from = 1; from <= count; from += ctx.chunk) {
    const to = Math.min(count, from + ctx.chunk - 1);
    await ctx.db.execute(build(from, to));
    ctx.done += to - from + 1;
    ctx.onProgress?.({ phase, done: Math.min(ctx.done, ctx.total), total: ctx.total });
  }
}

/** Moves an identity column's sequence past rows inserted with explicit ids. */
function syncIdentity(table: string): SQL {
  return sql.raw(
    `select setval(pg_get_serial_sequence('${table}', 'id'), greatest((select coalesce(max(id), 0) from ${table}), 1))`,
  );
}

/**
 * Fills an empty database with a realistic data set through set-based SQL (`insert … select` over
 * `generate_series`, in chunks): users with one known password, follows, questions with tags and a first
 * revision, answers (some accepted), reply trees (small threads, chains up to 1,000 deep, one bushy
 * thread), and reactions. Rows get explicit ids from one range per table so references are arithmetic,
 * not lookups; counters (likes, dislikes, score, answer counts, tag usage, last activity) are computed
 * at the end with set-based UPDATEs, so they equal COUNT(*) of the rows they summarize.
 */
export async function seed(db: Database, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const plan = SEED_PLANS[options.size];
  if ((await scalar(db, sql`select count(*) as value from users`)) > 0) throw new SeedNotEmptyError();
  const chainRows = plan.chains.count * plan.chains.depth;
  const ctx: Ctx = {
    db,
    chunk: options.chunkSize ?? 50_000,
    onProgress: options.onProgress,
    done: 0,
    total:
      plan.users +
      plan.follows +
      TAGS.length +
      plan.questions * 3 +
      plan.answers * 2 +
      plan.replies +
      chainRows +
      plan.bigThread +
      plan.reactions,
  };
  const { users: U, questions: Q, answers: A } = plan;
  const base = async (table: string) =>
    scalar(db, sql.raw(`select coalesce(max(id), 0) as value from ${table}`));
  const [u0, q0, a0, r0, t0, v0] = [
    await base('users'),
    await base('questions'),
    await base('answers'),
    await base('replies'),
    await base('tags'),
    await base('revisions'),
  ];
  // Ids: user i is u0+i, question i is q0+i, answer i is a0+i (1-based i). A random user: u0+1+floor(random()*U).
  const randomUser = sql`(${u0 + 1} + floor(random() * ${U})::bigint)`;

  await chunked(
    ctx,
    'users',
    U,
    (from, to) => sql`
    insert into users (id, email, username, password_hash, display_name, bio, bio_html, role, email_verified, created_at, updated_at)
    overriding system value
    select ${u0}::bigint + g, 'user' || g || '@seed.devflow.dev', 'user' || g, ${options.passwordHash},
      'User ' || g, 'Seeded account number ' || g || '.', '<p>Seeded account number ' || g || '.</p>',
      (case when g = 1 then 'admin' when g = 2 then 'moderator' else 'user' end)::user_role, true,
      now() - interval '400 days' + g * interval '1 second', now()
    from generate_series(${from}::bigint, ${to}::bigint) g`,
  );

  // Followees are skewed (a few popular users); duplicates and self-follows are skipped.
  await chunked(
    ctx,
    'follows',
    plan.follows,
    (from, to) => sql`
    insert into follows (follower_id, followee_id, created_at)
    select f, e, now() - random() * interval '300 days'
    from (
      select ${u0 + 1} + floor(random() * ${U})::bigint as f,
             ${u0 + 1} + floor(power(random(), 3) * ${U})::bigint as e
      from generate_series(${from}::bigint, ${to}::bigint)
    ) pairs
    where f <> e
    on conflict do nothing`,
  );

  await db.execute(sql`
    insert into tags (id, slug, created_at) overriding system value
    select ${t0}::bigint + ordinality, slug, now() - interval '400 days'
    from unnest(${words(TAGS)}) with ordinality as t(slug, ordinality)
    on conflict do nothing`);
  ctx.done += TAGS.length;

  await chunked(
    ctx,
    'questions',
    Q,
    (from, to) => sql`
    insert into questions (id, author_id, title, body, body_html, view_count, created_at, updated_at, last_activity_at)
    overriding system value
    select ${q0}::bigint + g, author, title, body, '<p>' || body || '</p>', floor(random() * 500)::int, at, at, at
    from (
      select g, ${randomUser} as author,
        ${pick(OPENERS)} || ' ' || ${pick(VERBS)} || ' ' || ${pick(OBJECTS)} || ' ' || ${pick(ENDINGS)} || ' (#' || g || ')?' as title,
        ${pick(SENTENCES)} || ' ' || ${pick(SENTENCES)} || ' ' || ${pick(SENTENCES)} as body,
        now() - interval '365 days' + (g::float / ${Q}) * interval '364 days' as at
      from generate_series(${from}::bigint, ${to}::bigint) g
    ) q`,
  );

  // One to three tags per question: distinct offsets modulo the tag count keep them distinct.
  await chunked(
    ctx,
    'question tags',
    Q,
    (from, to) => sql`
    insert into question_tags (question_id, tag_id)
    select ${q0}::bigint + g, ${t0}::bigint + 1 + ((g * 7 + j * 11) % ${TAGS.length})
    from generate_series(${from}::bigint, ${to}::bigint) g, generate_series(0, (g % 3)::int) j
    on conflict do nothing`,
  );

  await chunked(
    ctx,
    'question revisions',
    Q,
    (from, to) => sql`
    insert into revisions (id, target_type, target_id, editor_id, title, body, tags, created_at)
    overriding system value
    select ${v0}::bigint + (q.id - ${q0}), 'question', q.id, q.author_id, q.title, q.body,
      (select array_agg(t.slug order by t.slug) from question_tags qt join tags t on t.id = qt.tag_id where qt.question_id = q.id),
      q.created_at
    from questions q where q.id between ${q0 + from} and ${q0 + to}`,
  );

  // Answers cluster on some questions (power law), so others stay unanswered; always after the question.
  await chunked(
    ctx,
    'answers',
    A,
    (from, to) => sql`
    insert into answers (id, question_id, author_id, body, body_html, created_at, updated_at)
    overriding system value
    select ${a0}::bigint + a.g, q.id, ${randomUser}, a.body, '<p>' || a.body || '</p>', t.at, t.at
    from (
      select g, ${q0 + 1} + floor(power(random(), 1.6) * ${Q})::bigint as qid,
        ${pick(ANSWERS)} || ' ' || ${pick(SENTENCES)} as body, random() as r
      from generate_series(${from}::bigint, ${to}::bigint) g
    ) a
    join questions q on q.id = a.qid
    cross join lateral (select q.created_at + (1 + a.r * 72) * interval '1 hour' as at) t`,
  );

  await chunked(
    ctx,
    'answer revisions',
    A,
    (from, to) => sql`
    insert into revisions (id, target_type, target_id, editor_id, body, created_at)
    overriding system value
    select ${v0 + Q}::bigint + (a.id - ${a0}), 'answer', a.id, a.author_id, a.body, a.created_at
    from answers a where a.id between ${a0 + from} and ${a0 + to}`,
  );

  // Reply ids: small trees first, then the chains, then the big thread.
  const TREE = 12;
  await chunked(
    ctx,
    'replies',
    plan.replies,
    (from, to) => sql`
    insert into replies (id, target_type, target_id, parent_id, depth, author_id, body, body_html, created_at, updated_at)
    overriding system value
    select ${r0}::bigint + g, target_type, target_id,
      case when k = 0 then null else ${r0}::bigint + g - k + (k - 1) / 3 end,
      case when k = 0 then 0 when k <= 3 then 1 else 2 end,
      ${randomUser}, body, '<p>' || body || '</p>', at, at
    from (
      select g, (g - 1) % ${TREE} as k, ${pick(REPLIES)} as body,
        case when ((g - 1) / ${TREE}) % 2 = 0 then 'question' else 'answer' end::reply_target as target_type,
        case when ((g - 1) / ${TREE}) % 2 = 0
          then ${q0 + 1} + (((g - 1) / ${TREE}) * 7919) % ${Q}
          else ${a0 + 1} + (((g - 1) / ${TREE}) * 104729) % ${A} end as target_id,
        now() - interval '30 days' + (g::float / ${plan.replies}) * interval '29 days' as at
      from generate_series(${from}::bigint, ${to}::bigint) g
    ) r`,
  );
  // A tree of 12 holds the root (k=0), three children (k=1..3) and eight grandchildren (k=4..11): parent of
  // k is (k-1)/3 within the tree. A last partial tree is still well-formed (parents come first).

  const chainBase = r0 + plan.replies;
  for (let c = 0; c < plan.chains.count; c++) {
    const start = chainBase + c * plan.chains.depth;
    const questionId = q0 + 1 + ((c * 31) % Q);
    await chunked(
      ctx,
      `reply chain ${c + 1}`,
      plan.chains.depth,
      (from, to) => sql`
      insert into replies (id, target_type, target_id, parent_id, depth, author_id, body, body_html, created_at, updated_at)
      overriding system value
      select ${start}::bigint + g, 'question', ${questionId},
        case when g = 1 then null else ${start}::bigint + g - 1 end, g - 1,
        ${u0 + 1} + (g % 2) * least(1, ${U - 1}), 'Level ' || (g - 1) || ' of a long back-and-forth.',
        '<p>Level ' || (g - 1) || ' of a long back-and-forth.</p>',
        now() - interval '10 days' + g * interval '1 minute', now() - interval '10 days' + g * interval '1 minute'
      from generate_series(${from}::bigint, ${to}::bigint) g`,
    );
  }

  // The big thread: a 4-ary tree (node k's parent is (k-1)/4, depth floor(log4(3k+1))) under one question.
  const bigBase = chainBase + chainRows;
  const bigQuestion = q0 + Q;
  await chunked(
    ctx,
    'big thread',
    plan.bigThread,
    (from, to) => sql`
    insert into replies (id, target_type, target_id, parent_id, depth, author_id, body, body_html, created_at, updated_at)
    overriding system value
    select ${bigBase}::bigint + 1 + k, 'question', ${bigQuestion},
      case when k = 0 then null else ${bigBase}::bigint + 1 + (k - 1) / 4 end,
      floor(ln(3 * k + 1) / ln(4) + 1e-9)::int,
      ${randomUser}, body, '<p>' || body || '</p>', at, at
    from (
      select g - 1 as k, ${pick(REPLIES)} as body, now() - interval '5 days' + g * interval '1 second' as at
      from generate_series(${from}::bigint, ${to}::bigint) g
    ) b`,
  );
  const totalReplies = plan.replies + chainRows + plan.bigThread;

  // Reactions: questions, answers and replies alike; mostly likes; one per user and post.
  await chunked(
    ctx,
    'reactions',
    plan.reactions,
    (from, to) => sql`
    insert into reactions (user_id, target_type, target_id, value, created_at)
    select ${randomUser}, target_type, target_id, case when random() < 0.8 then 1 else -1 end, now() - random() * interval '200 days'
    from (
      select case when r < 0.4 then 'question' when r < 0.75 then 'answer' else 'reply' end::reaction_target as target_type,
        case when r < 0.4 then ${q0 + 1} + floor(power(random(), 2) * ${Q})::bigint
             when r < 0.75 then ${a0 + 1} + floor(power(random(), 2) * ${A})::bigint
             else ${r0 + 1} + floor(random() * ${totalReplies})::bigint end as target_id
      from (select random() as r from generate_series(${from}::bigint, ${to}::bigint)) pick
    ) t
    on conflict do nothing`,
  );

  ctx.onProgress?.({ phase: 'counters', done: ctx.total, total: ctx.total });
  await updateCounters(db);
  for (const table of ['users', 'questions', 'answers', 'replies', 'tags', 'revisions']) {
    await db.execute(syncIdentity(table));
  }
  return { ...(await countSeeded(db)), ms: Math.round(performance.now() - started) };
}

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

async function countSeeded(db: Database): Promise<Omit<SeedResult, 'ms'>> {
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
