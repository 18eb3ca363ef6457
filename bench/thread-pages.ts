/**
 * `reply.thread` pages: does the first page of a 100,000-reply thread cost what the first page of a
 * 100-reply thread costs? Seeds both (random bushy trees) and the 1,000-deep chain into a private
 * PostgreSQL database, then, in the same run, times the statement `loadThread` sends
 * (`threadStatement` of packages/db/src/queries/reply.ts, rendered — not a copy) and records its
 * `EXPLAIN (ANALYZE, BUFFERS)`. Writes bench/THREAD-PAGES.md, which bench/report.ts puts into RESULTS.md.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/thread-pages.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { THREAD_PAGE_SIZE } from '@devflow/api';
import { createDb } from '@devflow/db';
import { type LoadThreadParams, threadStatement } from '@devflow/db/queries/reply';
import { createEmptyPostgresDatabase } from '@devflow/db/testing';
import postgres from 'postgres';
import { render } from './render';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Timed runs of each statement (after warm-up runs), interleaved so that both threads see the same load. */
const RUNS = 40;

type Case = { name: string; params: LoadThreadParams };

/** Seeds `size` replies under a new question: `chain` hangs each under the previous one, else a random tree. */
async function seedThread(
  sql: postgres.Sql,
  authorId: number,
  size: number,
  shape: 'tree' | 'chain',
): Promise<{ questionId: number; ids: number[] }> {
  const [question] = await sql<{ id: number }[]>`
    insert into questions (author_id, title, body, body_html)
    values (${authorId}, ${`A thread of ${size} replies`}, 'body', '<p>body</p>') returning id`;
  if (!question) throw new Error('no question');
  const rows = await sql<{ id: string }[]>`
    insert into replies (target_type, target_id, author_id, body, body_html)
    select 'question', ${question.id}, ${authorId}, 'reply ' || g, '<p>reply ' || g || '</p>'
    from generate_series(1, ${size}) g returning id`;
  const ids = rows.map((row) => Number(row.id)).sort((a, b) => a - b);
  const first = ids[0] ?? 0;
  // A random recursive tree (each reply under a uniformly chosen earlier one, the first 10 at the top):
  // wide near the top, about ln(size) levels deep, as a busy discussion; or a chain.
  if (shape === 'chain') {
    await sql`update replies set parent_id = id - 1, depth = id - ${first}
              where target_id = ${question.id} and id > ${first}`;
  } else {
    await sql`update replies set parent_id = ${first} + floor(random() * (id - ${first}))::bigint
              where target_type = 'question' and target_id = ${question.id} and id >= ${first + 10}`;
  }
  return { questionId: question.id, ids };
}

/** The end of `actual time=a..b` on the first plan line after the one matching `marker`, or 'n/a'. */
function actualAfter(plan: string, marker: RegExp): string {
  const lines = plan.split('\n');
  const at = lines.findIndex((line) => marker.test(line));
  const match = at < 0 ? null : /actual time=[\d.]+\.\.([\d.]+)/.exec(lines.slice(at).join('\n'));
  return match?.[1] ?? 'n/a';
}

/** Time of the recursive walk: the `Recursive Union` under `CTE tree`. */
const walkMs = (plan: string) => actualAfter(plan, /CTE tree/);
/** Time of `total`: the thread's row of `reply_counts` (alias `c`), kept by triggers on `replies`. */
const countMs = (plan: string) => actualAfter(plan, /on reply_counts c\b/);
/** The statement's execution time. */
const executionMs = (plan: string) => /Execution Time: ([\d.]+)/.exec(plan)?.[1] ?? 'n/a';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const database = await createEmptyPostgresDatabase();
  if (!database)
    throw new Error('Set DATABASE_URL to a PostgreSQL server (an admin URL): a private database is created.');
  const handle = await createDb({ databaseUrl: database.url, poolSize: 1 });
  const sql = postgres(database.url, { max: 1, onnotice: () => {}, connection: { jit: 'off' } });
  try {
    await handle.migrate();
    const [user] = await sql<{ id: number }[]>`
      insert into users (email, username, password_hash) values ('bench@example.com', 'bench', 'x') returning id`;
    if (!user) throw new Error('no user');
    const small = await seedThread(sql, user.id, 100, 'tree');
    const big = await seedThread(sql, user.id, 100_000, 'tree');
    const chain = await seedThread(sql, user.id, 1000, 'chain');
    await sql`vacuum analyze replies`;
    const page = (
      targetId: number,
      afterId: number | null,
      limit: number = THREAD_PAGE_SIZE.default,
    ): LoadThreadParams => ({
      targetType: 'question',
      targetId,
      rootId: null,
      maxDepth: 1000,
      maxNodes: limit + 1,
      afterId,
      viewerId: null,
    });
    const middle = big.ids[50_000] ?? null;
    const cases: Case[] = [
      { name: 'first page, 100-reply thread', params: page(small.questionId, null) },
      { name: 'first page, 100,000-reply thread', params: page(big.questionId, null) },
      // The same number of replies as the 100-reply thread's whole page: what the thread's size costs alone.
      {
        name: 'first page of 100 (`limit: 100`), 100,000-reply thread',
        params: page(big.questionId, null, 100),
      },
      {
        name: 'a page from a cursor in the middle of the 100,000-reply thread',
        params: page(big.questionId, middle),
      },
      { name: 'first page, 1,000-deep chain', params: page(chain.questionId, null) },
      {
        name: 'the page after the 1,000-deep chain\u2019s last reply (climbs 1,000 levels, ends the thread)',
        params: page(chain.questionId, chain.ids.at(-1) ?? null),
      },
    ];
    const statements = cases.map((c) => ({ ...c, ...render(threadStatement(c.params)) }));
    const times = new Map<string, number[]>(statements.map((s) => [s.name, []]));
    const rowCounts = new Map<string, number>();
    for (let run = -5; run < RUNS; run++) {
      for (const s of statements) {
        const started = performance.now();
        const rows = await sql.unsafe(s.text, s.params as postgres.ParameterOrJSON<never>[]);
        const ms = performance.now() - started;
        rowCounts.set(s.name, rows.length);
        if (run >= 0) times.get(s.name)?.push(ms);
      }
    }
    const lines: string[] = [];
    lines.push('## `reply.thread` pages: first page of a 100-reply vs a 100,000-reply thread', '');
    lines.push(
      `Generated by \`npx tsx bench/thread-pages.ts\` on ${new Date().toISOString()} (PostgreSQL, JIT off as on`,
      `the app's connections). The statement \`loadThread\` sends for a page of ${THREAD_PAGE_SIZE.default} replies`,
      '(`threadStatement`, one row more than the page), straight over postgres.js — median of',
      `${RUNS} runs after 5 warm-up runs, the cases interleaved in one loop so they share the load.`,
      'Random bushy trees (each reply under a uniformly chosen earlier one) and a 1,000-reply chain.',
      '',
    );
    const plans = new Map<string, string>();
    for (const s of statements) {
      const plan = await sql.unsafe(
        `explain (analyze, buffers) ${s.text}`,
        s.params as postgres.ParameterOrJSON<never>[],
      );
      plans.set(s.name, plan.map((row) => String(Object.values(row)[0])).join('\n'));
    }
    lines.push(
      '| case | rows | median ms | min ms | EXPLAIN: walk (`tree`) ms | EXPLAIN: `total` (`reply_counts`) ms | EXPLAIN: execution ms |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const s of statements) {
      const list = times.get(s.name) ?? [];
      const plan = plans.get(s.name) ?? '';
      lines.push(
        `| ${s.name} | ${rowCounts.get(s.name)} | ${median(list).toFixed(2)} | ${Math.min(...list).toFixed(2)} | ${walkMs(plan)} | ${countMs(plan)} | ${executionMs(plan)} |`,
      );
    }
    const ratio =
      median(times.get(cases[1]?.name ?? '') ?? []) / median(times.get(cases[0]?.name ?? '') ?? []);
    const sameSize =
      median(times.get(cases[2]?.name ?? '') ?? []) / median(times.get(cases[0]?.name ?? '') ?? []);
    lines.push(
      '',
      `First page 100,000 / 100 replies: **${ratio.toFixed(2)}×** (target ≤ 1.5×: ${ratio <= 1.5 ? 'PASS' : 'FAIL'}).`,
      `The same 100 replies from each (\`limit: 100\` on the big thread): **${sameSize.toFixed(2)}×** — the`,
      "default page of the big thread shows twice the replies the small thread has, and a page's cost grows with",
      'the replies it shows.',
      '',
      'The walk stops after the page (`tree` reads about one row per reply returned, whatever the',
      "thread's size — see `rows=` of its `Recursive Union` below); `total`, which the response keeps",
      "(every reply under the post), is one primary-key read of the thread's `reply_counts` row, kept by",
      'triggers on `replies` (migration 0009); it was a count over `replies_thread_idx`, which grew with the',
      'thread (3.65× before that change, 2026-12-05).',
      '',
    );
    for (const s of statements) {
      lines.push(`### EXPLAIN (ANALYZE, BUFFERS): ${s.name}`, '', '```', plans.get(s.name) ?? '', '```', '');
    }
    lines.push(
      `Statement (first page, no cursor):`,
      '',
      '```sql',
      statements[0]?.text.trim() ?? '',
      '```',
      '',
    );
    writeFileSync(join(here, 'THREAD-PAGES.md'), `${lines.join('\n')}\n`);
    process.stdout.write(`${lines.slice(0, 20).join('\n')}\n`);
  } finally {
    await sql.end({ timeout: 5 });
    await handle.close();
    await database.drop();
  }
}

await main();
