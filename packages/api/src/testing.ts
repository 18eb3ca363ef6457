import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCache } from '@devflow/cache/testing';
import type { ReplyNode } from '@devflow/contract';
import { answers, type DbHandle, queryRows, questions, replies, users } from '@devflow/db';
import { createTestDb, type TestDbOptions } from '@devflow/db/testing';
import { TRPCError } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import { type ApiConfig, defaultApiConfig, type MailRetry } from './config';
import { type ApiDeps, type Logger, silentLogger } from './deps';
import { toSessionUser } from './domains/auth/account';
import { hashPassword } from './domains/auth/passwords';
import { createSession } from './domains/auth/session';
import { registerApiJobs } from './jobs';
import { createJobQueue, type JobQueue } from './platform/jobs';
import { createCaller } from './root';
import { createContextInner, type SessionUser } from './trpc/context';

/** Dependencies for one test file, on the backends the run targets, and how to release them. */
export type TestDeps = ApiDeps & { close(): Promise<void> };

/**
 * Opens a fresh database and cache namespace for one test file (PGlite + memory by default, PostgreSQL +
 * Redis when `DATABASE_URL` / `REDIS_URL` are set), with its own mail outbox file under the system temp
 * directory unless `config.mailOutbox` names one. Call `close()` in `afterAll`.
 */
export async function createTestDeps(
  config: Partial<ApiConfig> = {},
  dbOptions: TestDbOptions = {},
): Promise<TestDeps> {
  const dbHandle = await createTestDb(dbOptions);
  const cache = createTestCache();
  const deps: ApiDeps = {
    db: dbHandle.db,
    dbHandle,
    cache,
    config: defaultApiConfig({
      mailOutbox: join(tmpdir(), `devflow-outbox-${randomBytes(6).toString('hex')}.jsonl`),
      mailRetry: TEST_MAIL_RETRY,
      ...config,
    }),
    log: silentLogger,
    jobs: createTestJobQueue(dbHandle),
  };
  registerApiJobs(deps);
  await deps.jobs.start();
  return {
    ...deps,
    close: async () => {
      await deps.jobs.stop(2000);
      await Promise.all([dbHandle.close(), cache.close()]);
    },
  };
}

/** The compressed mail retry schedule of tests: a retry a second, five of them. */
export const TEST_MAIL_RETRY: MailRetry = { limit: 5, delaySeconds: 1, maxDelaySeconds: 1 };

/** A job queue on `dbHandle` that polls often (tests wait on it with `drainJobs`). */
export function createTestJobQueue(dbHandle: DbHandle, log: Logger = silentLogger): JobQueue {
  return createJobQueue({ dbHandle, log, pollingIntervalSeconds: 0.5 });
}

/** A caller acting as `user` (or anonymous), without HTTP. */
export function callerFor(deps: ApiDeps, user: SessionUser | null = null) {
  return createCaller(createContextInner({ deps, user }));
}

let sequence = 0;

/** Inserts a user directly (no password, no HTTP) and returns it as procedures see it. */
export async function createTestUser(
  deps: Pick<ApiDeps, 'db'>,
  overrides: Partial<{
    username: string;
    email: string;
    role: SessionUser['role'];
    suspendedUntil: Date | null;
    emailVerified: boolean;
  }> = {},
): Promise<SessionUser> {
  sequence += 1;
  const username = overrides.username ?? `user${sequence}_${Math.random().toString(36).slice(2, 8)}`;
  const [row] = await deps.db
    .insert(users)
    .values({
      username,
      email: overrides.email ?? `${username}@example.com`,
      role: overrides.role ?? 'user',
      suspendedUntil: overrides.suspendedUntil ?? null,
      emailVerified: overrides.emailVerified ?? true,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return toSessionUser(row);
}

/**
 * Inserts a user who can sign in with `password` (no HTTP, so no registration is counted against a
 * rate limit), or with no password at all (`null`, as an OAuth-only account).
 */
export async function createTestAccount(
  deps: Pick<ApiDeps, 'db'>,
  password: string | null,
  overrides: Parameters<typeof createTestUser>[1] = {},
): Promise<SessionUser> {
  const user = await createTestUser(deps, overrides);
  if (password !== null) {
    await deps.db
      .update(users)
      .set({ passwordHash: await hashPassword(password) })
      .where(eq(users.id, user.id));
  }
  return user;
}

/** Starts a session for `user` as a sign-in would and returns its token (for Bearer or cookie calls). */
export async function createTestSession(deps: Pick<ApiDeps, 'db'>, user: { id: number }): Promise<string> {
  const { token } = await createSession(deps, { userId: user.id, ip: null, userAgent: null });
  return token;
}

/** Inserts a question directly (no tags, no revision) for tests of other domains. */
export async function createTestQuestion(
  deps: Pick<ApiDeps, 'db'>,
  author: { id: number },
  overrides: Partial<{ title: string; body: string; createdAt: Date; deletedAt: Date | null }> = {},
) {
  sequence += 1;
  const body = overrides.body ?? `Body of test question ${sequence}, long enough to be valid.`;
  const [row] = await deps.db
    .insert(questions)
    .values({
      authorId: author.id,
      title: overrides.title ?? `Test question number ${sequence}`,
      body,
      bodyHtml: `<p>${body}</p>`,
      createdAt: overrides.createdAt,
      lastActivityAt: overrides.createdAt,
      deletedAt: overrides.deletedAt ?? null,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Inserts an answer directly and bumps the question's answer count, for tests of other domains. */
export async function createTestAnswer(
  deps: Pick<ApiDeps, 'db'>,
  author: { id: number },
  question: { id: number },
  overrides: Partial<{ body: string; createdAt: Date }> = {},
) {
  sequence += 1;
  const body = overrides.body ?? `Test answer ${sequence} with enough words.`;
  const [row] = await deps.db
    .insert(answers)
    .values({
      questionId: question.id,
      authorId: author.id,
      body,
      bodyHtml: `<p>${body}</p>`,
      createdAt: overrides.createdAt,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await deps.db
    .update(questions)
    .set({ answerCount: sql`${questions.answerCount} + 1` })
    .where(eq(questions.id, question.id));
  return row;
}

/**
 * Inserts a reply tree under a post in a few statements, for thread tests that need thousands of
 * replies: reply `i` hangs under reply `parentIndex[i]` (an earlier index) or at the top for -1, with
 * depths to match. Returns the ids by index; they ascend, so index order is age order.
 */
export async function createTestReplies(
  deps: Pick<ApiDeps, 'db'>,
  target: { type: 'question' | 'answer'; id: number },
  parentIndex: readonly number[],
  authorId: number,
): Promise<number[]> {
  const rows = await queryRows<{ id: number | string }>(
    deps.db,
    sql`insert into replies (target_type, target_id, author_id, body, body_html)
        select ${target.type}, ${target.id}, ${authorId}, 'reply ' || g, '<p>reply ' || g || '</p>'
        from generate_series(1, ${parentIndex.length}) g
        returning id`,
  );
  const ids = rows.map((row) => Number(row.id)).sort((a, b) => a - b);
  const depth: number[] = [];
  const links = parentIndex.flatMap((p, i) => {
    if (p >= i) throw new Error(`reply ${i} must hang under an earlier reply, not ${p}`);
    depth[i] = p < 0 ? 0 : (depth[p] ?? 0) + 1;
    return p < 0 ? [] : [sql`(${ids[i]}::bigint, ${ids[p]}::bigint, ${depth[i]}::int)`];
  });
  // A few thousand rows per UPDATE keeps the bind parameters under PostgreSQL's 65,535.
  for (let start = 0; start < links.length; start += 5000) {
    await deps.db.execute(
      sql`update replies r set parent_id = v.parent_id, depth = v.depth
          from (values ${sql.join(links.slice(start, start + 5000), sql`, `)}) as v(id, parent_id, depth)
          where r.id = v.id`,
    );
  }
  return ids;
}

/**
 * Gives a post `count` reactions (`value` +1 like, -1 dislike) from `count` new users, in a few statements,
 * with their rows dated `at` (default now) and the post's counters moved to match: real vote rows, so
 * reputation (both presets) and badges read them as they read votes cast through `reaction.set`.
 */
export async function createTestVotes(
  deps: Pick<ApiDeps, 'db'>,
  target: { type: 'question' | 'answer' | 'reply'; id: number },
  count: number,
  options: { value?: 1 | -1; at?: Date } = {},
): Promise<void> {
  if (count <= 0) return;
  const value = options.value ?? 1;
  const at = options.at ?? new Date();
  sequence += 1;
  const prefix = `voter${sequence}_${Math.random().toString(36).slice(2, 8)}_`;
  await deps.db.execute(
    sql`with voters as (
          insert into users (email, username, email_verified)
          select ${prefix} || g || '@example.com', ${prefix} || g, true from generate_series(1, ${count}) g
          returning id
        )
        insert into reactions (user_id, target_type, target_id, value, created_at)
        select id, ${target.type}, ${target.id}, ${value}, ${at.toISOString()}::timestamptz from voters`,
  );
  const table = target.type === 'question' ? questions : target.type === 'answer' ? answers : replies;
  const likes = value === 1 ? count : 0;
  const dislikes = value === -1 ? count : 0;
  await deps.db.execute(
    sql`update ${table} set likes = likes + ${likes}, dislikes = dislikes + ${dislikes},
          score = score + ${likes - dislikes} where id = ${target.id}`,
  );
}

/** A reply of `reply.thread` with its children nested instead of named by id, as tests compare trees. */
export type NestedReply = Omit<ReplyNode, 'children'> & { children: NestedReply[] };

/**
 * Nests a flat `reply.thread` answer into its trees (the roots: replies whose parent is not in it), in
 * one pass without recursion, and checks what the flat form promises on the way: every reply comes after
 * its parent, each `children` id is a reply of the answer whose `parentId` points back, and every reply
 * whose parent was returned is among that parent's children.
 */
export function nestThread(thread: { items: readonly ReplyNode[] }): NestedReply[] {
  const byId = new Map<string, { node: NestedReply; index: number }>();
  for (const [index, item] of thread.items.entries()) {
    if (byId.has(item.id)) throw new Error(`reply ${item.id} is listed twice`);
    byId.set(item.id, { node: { ...item, children: [] }, index });
  }
  const roots: NestedReply[] = [];
  let linked = 0;
  for (const [index, item] of thread.items.entries()) {
    const entry = byId.get(item.id);
    if (!entry) throw new Error(`reply ${item.id} vanished`);
    for (const childId of item.children) {
      const child = byId.get(childId);
      if (!child || child.node.parentId !== item.id || child.index <= index) {
        throw new Error(`reply ${item.id} names ${childId} as a child that is not listed after it`);
      }
      entry.node.children.push(child.node);
      linked += 1;
    }
    if (item.parentId === null || !byId.has(item.parentId)) roots.push(entry.node);
  }
  if (linked + roots.length !== thread.items.length) {
    throw new Error("some replies are missing from their parent's children");
  }
  return roots;
}

export { activeContentIn, XSS_PAYLOADS } from './testing-xss';

/** How a call ended, as tests compare it: `CODE: message` of the tRPC error it failed with, or 'ok'. */
export async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    if (error instanceof TRPCError) return `${error.code}: ${error.message}`;
    throw error;
  }
}
