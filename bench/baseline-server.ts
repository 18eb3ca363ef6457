/**
 * The baselines the bench compares DevFlow against, as a separate process: a bare Hono app that runs
 * the same SQL as the procedures with postgres.js (automatically prepared statements) and answers the
 * same JSON in tRPC's envelope `{ result: { data } }`. Also the naive strategies the procedures avoid:
 * OFFSET pagination, and a reply thread loaded one query per level or one query per reply (`thread.ts`).
 *
 * The writes `reaction.set` and `answer.create` have twins too (`write-twins.ts`): the same statements in
 * one transaction, the same mail enqueued, live events published and cache counters bumped.
 *
 * Env: `DATABASE_URL` (required), `REDIS_URL` (views are deduplicated there, like the server does; live
 * events are published there), `PORT`, `DB_POOL_SIZE` (default 10), `APP_SECRET` and `PUBLIC_URL` (the
 * mail's unsubscribe links, as the server signs them).
 */
import { byUsernameInput, defaultApiConfig, searchQuestionsInput } from '@devflow/api';
import { createCache, createRedisPubSub } from '@devflow/cache';
import { createDb } from '@devflow/db';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import postgres from 'postgres';
import {
  countView,
  listAfter,
  listFirst,
  listFromOffset,
  questionPage,
  questionRow,
  type RunRows,
  type RunValues,
} from './queries';
import { feedFirst } from './queries-feed';
import { searchFirst } from './queries-search';
import { profileByName } from './queries-user';
import {
  type RunSql,
  type ThreadRequest,
  type ThreadResponse,
  threadByCte,
  threadPerLevel,
  threadPerNode,
} from './thread';
import { openBareJobQueue, registerWriteTwins } from './write-twins';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const sql = postgres(url, {
  max: Number(process.env.DB_POOL_SIZE ?? 10),
  onnotice: () => {},
  connection: { application_name: 'devflow-bench-baseline', jit: 'off', statement_timeout: 15_000 },
  // int8 ids as numbers, as the app's Drizzle columns read them (mode 'number').
  types: { int8: { to: 20, from: [20], serialize: String, parse: Number } },
});

const cache = createCache({ redisUrl: process.env.REDIS_URL, prefix: 'bare:' });
const app = new Hono();
const countedHere = new Map<string, number>();
const ok = (data: unknown) => ({ result: { data } });

app.get('/healthz', (c) => c.json({ ok: true }));

/**
 * The statements of the twins, prepared like every statement of the procedures; int8 comes back as a
 * number and timestamps as Dates (what the API's view functions take), rows as arrays of values.
 */
const values: RunValues = (text, params) =>
  sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }).values();

/** The raw statements of the twins (`sql` templates), prepared alike; rows as objects by column name. */
const rows: RunRows = (text, params) =>
  sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true });

/** question.byId for an anonymous viewer: the same statements, in the same order, as the service. */
app.get('/bare/question.byId', async (c) => {
  const id = Number(c.req.query('id'));
  const row = await questionRow(values, id);
  if (!row?.live) return c.json({ error: { code: 'NOT_FOUND' } }, 404);
  // One view per viewer per hour, as the service counts them (a local filter, then the shared cache).
  const viewer = `${id}:${c.req.header('x-forwarded-for') ?? 'local'}`;
  const seenHere = (countedHere.get(viewer) ?? 0) > Date.now();
  if (!seenHere) countedHere.set(viewer, Date.now() + 3600_000);
  if (
    !seenHere &&
    (await cache.incr(`seen:${id}:ip${c.req.header('x-forwarded-for') ?? 'local'}`, 3600)) === 1
  ) {
    await countView(values, id);
    row.viewCount += 1;
  }
  return c.json(ok(await questionPage(values, row)));
});

/** question.list page 1 for an anonymous reader with no input (newest, default limit), with its nextCursor. */
app.get('/bare/list-first', async (c) => c.json(ok(await listFirst(values))));

/** question.list newest, page N by OFFSET (what keyset pagination avoids). */
app.get('/bare/list-offset', async (c) => {
  const offset = Number(c.req.query('offset') ?? 0);
  return c.json(ok({ items: await listFromOffset(values, offset), nextCursor: null }));
});

/** question.list newest after a keyset position `(createdAt, id)`. */
app.get('/bare/list-keyset', async (c) => {
  const at = c.req.query('at') ?? '';
  const id = Number(c.req.query('id'));
  return c.json(ok({ items: await listAfter(values, at, id), nextCursor: null }));
});

/**
 * question.search's first page for `?q=<text>` (default limit), for an anonymous reader; 400 where the
 * procedure's input is BAD_REQUEST (no text, blank text, or text too long).
 */
app.get('/bare/search', async (c) => {
  const input = searchQuestionsInput.safeParse({ q: c.req.query('q') });
  if (!input.success) return c.json({ error: { code: 'BAD_REQUEST' } }, 400);
  return c.json(ok(await searchFirst(values, rows, input.data)));
});

/**
 * user.byUsername for `?username=<name>` (any case), for an anonymous reader; 400 where the procedure's
 * input is BAD_REQUEST, 404 where it answers NOT_FOUND.
 */
app.get('/bare/user', async (c) => {
  const input = byUsernameInput.safeParse({ username: c.req.query('username') });
  if (!input.success) return c.json({ error: { code: 'BAD_REQUEST' } }, 400);
  const profile = await profileByName(values, rows, input.data.username);
  if (!profile) return c.json({ error: { code: 'NOT_FOUND' } }, 404);
  return c.json(ok(profile));
});

/**
 * feed.list's first page with the default input for the reader `?userId=<id>` (given directly: no
 * session), with its nextCursor.
 */
app.get('/bare/feed', async (c) => c.json(ok(await feedFirst(rows, Number(c.req.query('userId'))))));

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

// The write twins: mail goes onto the same pg-boss queue the server's jobs read; events to Redis.
const config = defaultApiConfig({
  ...(process.env.APP_SECRET ? { appSecret: process.env.APP_SECRET } : {}),
  ...(process.env.PUBLIC_URL ? { publicUrl: process.env.PUBLIC_URL } : {}),
});
const jobsHandle = await createDb({ databaseUrl: url, poolSize: 1 });
const bareJobs = await openBareJobQueue(jobsHandle, config);
const pubsub = process.env.REDIS_URL
  ? createRedisPubSub({ url: process.env.REDIS_URL, channel: 'devflow:bench:bare-live' })
  : null;
registerWriteTwins(app, {
  sql,
  cache,
  config,
  jobs: bareJobs.jobs,
  ...(pubsub ? { publish: (message: string) => pubsub.publish(message) } : {}),
});

const port = Number(process.env.PORT ?? 3100);
serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
process.on('SIGTERM', () => {
  void Promise.allSettled([bareJobs.close(), pubsub?.close()])
    .then(() => Promise.allSettled([jobsHandle.close(), sql.end({ timeout: 2 })]))
    .finally(() => process.exit(0));
});
