/**
 * The baselines the bench compares DevFlow against, as a separate process: a bare Hono app that runs
 * the same SQL as the procedures with postgres.js (automatically prepared statements) and answers the
 * same JSON in tRPC's envelope `{ result: { data } }`. Also the naive strategies the procedures avoid:
 * OFFSET pagination, and a reply thread loaded one query per level or one query per reply (`thread.ts`).
 *
 * Env: `DATABASE_URL` (required), `REDIS_URL` (views are deduplicated there, like the server does),
 * `PORT`, `DB_POOL_SIZE` (default 10).
 */
import { createCache } from '@devflow/cache';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import postgres from 'postgres';
import {
  answersSql,
  listKeysetSql,
  listOffsetSql,
  questionRowSql,
  tagsSql,
  toAnswer,
  toQuestion,
  toSummary,
  viewSql,
} from './queries';
import {
  type RunSql,
  type ThreadRequest,
  type ThreadResponse,
  threadByCte,
  threadPerLevel,
  threadPerNode,
} from './thread';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const sql = postgres(url, {
  max: Number(process.env.DB_POOL_SIZE ?? 10),
  onnotice: () => {},
  connection: { application_name: 'devflow-bench-baseline', jit: 'off', statement_timeout: 15_000 },
});

const cache = createCache({ redisUrl: process.env.REDIS_URL, prefix: 'bare:' });
const app = new Hono();
const countedHere = new Map<string, number>();
const ok = (data: unknown) => ({ result: { data } });

app.get('/healthz', (c) => c.json({ ok: true }));

/** question.byId for an anonymous viewer: the same statements, in the same order, as the service. */
app.get('/bare/question.byId', async (c) => {
  const id = Number(c.req.query('id'));
  const [row] = await questionRowSql(sql, id);
  if (!row || row.deleted_at !== null) return c.json({ error: { code: 'NOT_FOUND' } }, 404);
  // One view per viewer per hour, as the service counts them (a local filter, then the shared cache).
  const viewer = `${id}:${c.req.header('x-forwarded-for') ?? 'local'}`;
  const seenHere = (countedHere.get(viewer) ?? 0) > Date.now();
  if (!seenHere) countedHere.set(viewer, Date.now() + 3600_000);
  if (
    !seenHere &&
    (await cache.incr(`seen:${id}:ip${c.req.header('x-forwarded-for') ?? 'local'}`, 3600)) === 1
  ) {
    await viewSql(sql, id);
    row.view_count += 1;
  }
  const [tags, answers] = await Promise.all([
    tagsSql(sql, [id]),
    answersSql(sql, id, row.accepted_answer_id),
  ]);
  return c.json(
    ok({
      ...toQuestion(
        row,
        tags.map((t) => t.slug),
      ),
      answers: answers.map((a) => toAnswer(a, row.accepted_answer_id)),
    }),
  );
});

async function listPage(rows: Awaited<ReturnType<typeof listOffsetSql>>, limit: number) {
  const tags = await tagsSql(
    sql,
    rows.slice(0, limit).map((r) => Number(r.id)),
  );
  const byQuestion = new Map<string, string[]>();
  for (const t of tags) byQuestion.set(t.question_id, [...(byQuestion.get(t.question_id) ?? []), t.slug]);
  const items = rows.slice(0, limit).map((r) => toSummary(r, byQuestion.get(r.id) ?? []));
  return items;
}

/** question.list newest, page N by OFFSET (what keyset pagination avoids). */
app.get('/bare/list-offset', async (c) => {
  const offset = Number(c.req.query('offset') ?? 0);
  const rows = await listOffsetSql(sql, offset, 21);
  return c.json(ok({ items: await listPage(rows, 20), nextCursor: null }));
});

/** question.list newest after a keyset position `(createdAt, id)`. */
app.get('/bare/list-keyset', async (c) => {
  const at = c.req.query('at') ?? '';
  const id = Number(c.req.query('id'));
  const rows = await listKeysetSql(sql, at, id, 21);
  return c.json(ok({ items: await listPage(rows, 20), nextCursor: null }));
});

/** Statements of the thread strategies, prepared like every statement of the procedures. */
const run: RunSql = (text, params) => sql.unsafe(text, [...params], { prepare: true });

/** A number from the query string, or undefined when it is absent. */
const numberParam = (value: string | undefined) => (value === undefined ? undefined : Number(value));

/**
 * The thread endpoints: `?type=question|answer&id=<post>[&rootId=<reply>][&maxDepth=<n>][&limit=<n>]
 * [&cursor=<nextCursor>]`, answering `reply.thread`'s page for an anonymous reader, or 404 / 400 where
 * the procedure says NOT_FOUND / BAD_REQUEST.
 */
function threadRoute(strategy: (run: RunSql, request: ThreadRequest) => Promise<ThreadResponse>) {
  return async (c: Context) => {
    const data = await strategy(run, {
      type: c.req.query('type') === 'answer' ? 'answer' : 'question',
      id: Number(c.req.query('id')),
      rootId: numberParam(c.req.query('rootId')),
      maxDepth: numberParam(c.req.query('maxDepth')),
      limit: numberParam(c.req.query('limit')),
      cursor: c.req.query('cursor'),
    });
    if (!('error' in data)) return c.json(ok(data));
    return c.json({ error: { code: data.error } }, data.error === 'NOT_FOUND' ? 404 : 400);
  };
}

/** reply.thread in one recursive query (the bare twin of the procedure). */
app.get('/bare/thread-cte', threadRoute(threadByCte));
/** reply.thread the naive way: one query per level over the whole scope, paged in JS. */
app.get('/bare/thread-per-level', threadRoute(threadPerLevel));
/** reply.thread the most naive way: one query per reply for its children (classic N+1), depth-first until the page is full. */
app.get('/bare/thread-per-node', threadRoute(threadPerNode));

const port = Number(process.env.PORT ?? 3100);
serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
process.on('SIGTERM', () => {
  void sql.end({ timeout: 2 }).finally(() => process.exit(0));
});
