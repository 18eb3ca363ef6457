import type postgres from 'postgres';

/** How much data the bench loads. */
export type SeedSize = {
  users: number;
  tags: number;
  questions: number;
  answers: number;
  /** Replies in the one big thread (the issue asks for 100k). */
  bigThread: number;
  /** Replies in the "1k" thread. */
  smallThread: number;
  /** Number of 1,000-deep reply chains. */
  deepChains: number;
  /** Total replies including the threads above. */
  replies: number;
  reactions: number;
  follows: number;
};

/** The data set `pnpm bench --quick` loads: small enough to seed in seconds, deep enough for page 1000. */
export const QUICK_SIZE: SeedSize = {
  users: 2_000,
  tags: 120,
  questions: 21_000,
  answers: 30_000,
  bigThread: 5_000,
  smallThread: 1_000,
  deepChains: 2,
  replies: 20_000,
  reactions: 50_000,
  follows: 10_000,
};

/** The issue's "large" data set. */
export const FULL_SIZE: SeedSize = {
  users: 20_000,
  tags: 400,
  questions: 100_000,
  answers: 500_000,
  bigThread: 100_000,
  smallThread: 1_000,
  deepChains: 20,
  replies: 1_000_000,
  reactions: 2_000_000,
  follows: 200_000,
};

/** Question ids whose reply threads the bench reads (fixed so scenarios can name them). */
export const BIG_THREAD_QUESTION = 2;
/** The question carrying the ~1k-reply thread. */
export const SMALL_THREAD_QUESTION = 3;

const WORDS = [
  'postgres',
  'index',
  'react',
  'typescript',
  'docker',
  'cache',
  'redis',
  'query',
  'async',
  'hooks',
  'vite',
  'node',
  'stream',
  'buffer',
  'promise',
  'closure',
  'generic',
  'schema',
  'migration',
  'transaction',
  'deadlock',
  'cursor',
  'pagination',
  'json',
  'parser',
  'compiler',
  'bundle',
  'router',
  'component',
  'state',
  'reducer',
  'effect',
  'memory',
  'leak',
  'thread',
  'worker',
  'cluster',
  'socket',
  'http',
  'header',
  'cookie',
  'session',
  'token',
  'password',
  'hash',
  'encryption',
  'deploy',
  'kubernetes',
  'nginx',
  'proxy',
  'timeout',
  'retry',
  'queue',
  'event',
  'listener',
  'error',
  'exception',
  'stack',
  'trace',
  'debug',
  'profile',
  'benchmark',
  'latency',
  'throughput',
  'vector',
  'matrix',
  'array',
  'string',
  'regex',
  'unicode',
  'date',
  'timezone',
  'locale',
  'format',
  'python',
  'rust',
  'golang',
  'java',
  'kotlin',
  'swift',
  'linux',
  'kernel',
  'filesystem',
  'permission',
  'git',
  'rebase',
  'merge',
  'conflict',
  'branch',
  'commit',
  'test',
  'mock',
  'fixture',
  'coverage',
  'lint',
  'style',
  'layout',
  'grid',
  'flexbox',
];

/** Words the search scenario queries (all present in the generated text). */
export const SEARCH_TERMS = ['postgres index', 'react hooks', 'redis cache', 'docker deploy', 'async stream'];

const wordArray = `array[${WORDS.map((w) => `'${w}'`).join(',')}]`;

/** Loads `size` rows into an empty, migrated DevFlow database with set-based SQL; returns seconds taken. */
export async function seedBench(sql: postgres.Sql, size: SeedSize, log: (line: string) => void) {
  const started = performance.now();
  const step = async (label: string, fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    log(`  seed ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await sql`select setseed(0.42)`;
  await step(`${size.users} users`, () =>
    sql.unsafe(
      `insert into users (id, email, username, display_name, bio, bio_html, email_verified, created_at)
       overriding system value
       select g, 'seed' || g || '@bench.test', 'seed' || g, 'Seed User ' || g, '', '', true,
              now() - interval '400 days' + g * interval '1 second'
       from generate_series(1, ${size.users}) g`,
    ),
  );
  await step(`${size.tags} tags`, () =>
    sql.unsafe(
      `insert into tags (id, slug) overriding system value
       select g, case when g <= ${WORDS.length} then (${wordArray})[g] else 'tag-' || g end
       from generate_series(1, ${size.tags}) g
       on conflict do nothing`,
    ),
  );
  await step(`${size.questions} questions`, () =>
    sql.unsafe(
      `insert into questions (id, author_id, title, body, body_html, created_at, updated_at, last_activity_at)
       overriding system value
       select g, 1 + (g::bigint * 7919) % ${size.users},
              t.title, t.body, '<p>' || t.body || '</p>', t.at, t.at, t.at
       from generate_series(1, ${size.questions}) g
       cross join lateral (
         select 'How do I use ' || w[1 + (g * 3) % n] || ' with ' || w[1 + (g * 7) % n] || ' and '
                  || w[1 + (g * 13) % n] || ' (case ' || g || ')' as title,
                array_to_string(array(select w[1 + floor(random() * n)::int]
                                      from generate_series(1, 40) i where g > 0), ' ') as body,
                now() - (${size.questions} - g) * interval '5 minutes' as at
         from (select ${wordArray} as w, ${WORDS.length} as n) v
       ) t`,
    ),
  );
  await step('question tags', () =>
    sql.unsafe(
      `insert into question_tags (question_id, tag_id)
       select distinct q.id, 1 + ((q.id * k) % ${size.tags})
       from questions q cross join generate_series(1, 3) k
       where k <= 1 + q.id % 3`,
    ),
  );
  await step(`${size.answers} answers`, () =>
    sql.unsafe(
      `insert into answers (id, question_id, author_id, body, body_html, created_at, updated_at)
       overriding system value
       select g, qid, 1 + (g::bigint * 104729) % ${size.users}, t.body, '<p>' || t.body || '</p>', t.at, t.at
       from generate_series(1, ${size.answers}) g
       cross join lateral (select 1 + floor(random() * ${size.questions})::bigint as qid where g > 0) r
       cross join lateral (
         select 'Answer ' || g || ': ' || array_to_string(array(
                  select w[1 + floor(random() * n)::int] from generate_series(1, 20) i where g > 0), ' ') as body,
                now() - (${size.questions} - qid) * interval '5 minutes' + interval '1 hour' as at
         from (select ${wordArray} as w, ${WORDS.length} as n) v
       ) t`,
    ),
  );
  await step('replies', () => seedReplies(sql, size));
  const reactionSlices = [
    ['question', size.questions, 0.5],
    ['answer', size.answers, 0.4],
    ['reply', size.replies, 0.1],
  ] as const;
  await step(`~${size.reactions} reactions`, async () => {
    for (const [type, targets, share] of reactionSlices) {
      await sql.unsafe(
        `insert into reactions (user_id, target_type, target_id, value)
         select 1 + floor(random() * ${size.users})::bigint, '${type}', 1 + floor(random() * ${targets})::bigint,
                case when random() < 0.8 then 1 else -1 end
         from generate_series(1, ${Math.round(size.reactions * share)}) g
         on conflict do nothing`,
      );
    }
  });
  await step(`~${size.follows} follows`, () =>
    sql.unsafe(
      `insert into follows (follower_id, followee_id)
       select a, b from (
         select 1 + floor(random() * ${size.users})::bigint a, 1 + floor(random() * ${size.users})::bigint b
         from generate_series(1, ${size.follows}) g) p
       where a <> b
       on conflict do nothing`,
    ),
  );
  await step('counters', () => fixCounters(sql));
  // VACUUM sets the visibility map, so counts over an index (a thread's replies) need no heap fetches.
  await step('vacuum analyze', () => sql`vacuum analyze`);
  return (performance.now() - started) / 1000;
}

/**
 * Replies are generated in JS (a reply's depth depends on its parent's) and inserted in chunks:
 * one big thread whose parents are picked among the previous 200 replies (about 1,000 levels at 100k),
 * a ~1k thread, several 1,000-deep chains, and small bushy threads under answers.
 */
async function seedReplies(sql: postgres.Sql, size: SeedSize) {
  const ids: number[] = [];
  const types: string[] = [];
  const targets: number[] = [];
  const parents: (number | null)[] = [];
  const depths: number[] = [];
  const authors: number[] = [];
  let next = 1;
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  /** `count` replies under one target; each new one starts a new top-level reply with `rootShare`. */
  const thread = (type: string, target: number, count: number, window: number, rootShare = 0.02) => {
    const first = next;
    const depthOf = new Map<number, number>();
    for (let i = 0; i < count; i += 1) {
      const id = next++;
      let parent: number | null = null;
      let depth = 0;
      if (i > 0 && rand() >= rootShare) {
        parent = id - 1 - Math.floor(rand() * Math.min(window, id - first));
        depth = (depthOf.get(parent) ?? 0) + 1;
      }
      depthOf.set(id, depth);
      ids.push(id);
      types.push(type);
      targets.push(target);
      parents.push(parent);
      depths.push(depth);
      authors.push(1 + Math.floor(rand() * size.users));
    }
  };
  thread('question', BIG_THREAD_QUESTION, size.bigThread, 200);
  thread('question', SMALL_THREAD_QUESTION, size.smallThread, 10);
  // Chains: one top-level reply, then each reply answers the one before it, 1,000 levels deep.
  for (let c = 0; c < size.deepChains; c += 1) thread('answer', c + 1, 1000, 1, 0);
  let answer = size.deepChains + 1;
  while (next <= size.replies) {
    thread('answer', answer, Math.min(1 + Math.floor(rand() * 40), size.replies - next + 1), 5);
    answer = answer >= size.answers ? 1 : answer + 1;
  }
  const chunk = 50_000;
  for (let start = 0; start < ids.length; start += chunk) {
    const end = start + chunk;
    await sql`
      insert into replies (id, target_type, target_id, parent_id, depth, author_id, body, body_html, created_at)
      overriding system value
      select id, tt::reply_target, tid, pid, d, aid, 'Reply ' || id || ' about the thread above',
             '<p>Reply ' || id || ' about the thread above</p>',
             now() - interval '30 days' + id * interval '1 second'
      from unnest(${ids.slice(start, end)}::bigint[], ${types.slice(start, end)}::text[],
                  ${targets.slice(start, end)}::bigint[], ${parents.slice(start, end)}::bigint[],
                  ${depths.slice(start, end)}::int[], ${authors.slice(start, end)}::bigint[])
           as t(id, tt, tid, pid, d, aid)`;
  }
}

/** Recomputes every denormalized counter from the rows it counts, then moves identity sequences on. */
async function fixCounters(sql: postgres.Sql) {
  for (const [table, type] of [
    ['questions', 'question'],
    ['answers', 'answer'],
    ['replies', 'reply'],
  ] as const) {
    await sql.unsafe(
      `update ${table} t set likes = r.likes, dislikes = r.dislikes, score = r.likes - r.dislikes
       from (select target_id, count(*) filter (where value = 1)::int likes,
                    count(*) filter (where value = -1)::int dislikes
             from reactions where target_type = '${type}' group by target_id) r
       where t.id = r.target_id`,
    );
  }
  await sql.unsafe(
    `update questions q set answer_count = a.n, last_activity_at = greatest(q.last_activity_at, a.last)
     from (select question_id, count(*)::int n, max(created_at) last from answers group by question_id) a
     where q.id = a.question_id`,
  );
  await sql.unsafe(
    `update tags t set usage_count = c.n
     from (select tag_id, count(*)::int n from question_tags group by tag_id) c where t.id = c.tag_id`,
  );
  for (const table of ['users', 'tags', 'questions', 'answers', 'replies']) {
    await sql.unsafe(
      `select setval(pg_get_serial_sequence('${table}', 'id'), (select coalesce(max(id), 1) from ${table}))`,
    );
  }
}
