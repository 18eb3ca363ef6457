import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type DbHandle, isDatabaseUnavailable, queryRows, type Transaction } from '@devflow/db';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, spawnServer } from '../testing/child-server';
import { field, postQuestion, register, type SignedUp } from '../testing/flows';
import { type PrivateService, startPrivatePostgres } from '../testing/private-services';

/**
 * PostgreSQL ending the server's connections (`pg_terminate_backend`, a failover, a proxy timing out).
 * postgres.js 3.4.9 could then throw from a timer and kill the process, leave a query pending forever,
 * lose a pool connection, run a dead transaction's query on its own, or never connect again:
 * `patches/postgres@3.4.9.patch` fixes each, and each test below failed without it.
 */

/** The settled value of `promise`, or 'pending' when it has not settled after `ms`. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a promise ended with: its value, or its error. */
type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Waits for `promise` and says how it ended, without throwing. */
async function outcome<T>(promise: PromiseLike<T>): Promise<Outcome<T>> {
  return Promise.resolve(promise).then(
    (value): Outcome<T> => ({ ok: true, value }),
    (error: unknown): Outcome<T> => ({ ok: false, error }),
  );
}

/** postgres.js options with its documented `socket` hook (README, "Custom socket"), which its types omit. */
type OptionsWithSocket = postgres.Options<Record<string, never>> & { socket: () => net.Socket };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `fn` returned, and the uncaught exceptions seen while it ran (vitest reports them too). */
async function uncaughtDuring<T>(fn: () => Promise<T>): Promise<{ result: T; uncaught: Error[] }> {
  const uncaught: Error[] = [];
  const listener = (error: Error) => uncaught.push(error);
  process.on('uncaughtException', listener);
  try {
    const result = await fn();
    // A write deferred with `setImmediate` fires after the code that scheduled it.
    await pause(50);
    return { result, uncaught };
  } finally {
    process.off('uncaughtException', listener);
  }
}

let pg: PrivateService;
/** A connection of our own, outside every pool under test, that terminates the others' backends. */
let admin: DbHandle;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  admin = await createDb({ databaseUrl: pg.url, poolSize: 1 });
  await queryRows(admin.db, sql`create database driver_probe`);
});
afterAll(async () => {
  await admin?.close();
  await pg?.destroy();
});

/** Terminates `pid` and waits until its backend has exited. */
async function terminate(pid: number): Promise<void> {
  await queryRows(admin.db, sql`select pg_terminate_backend(${pid}::int, 5000)`);
  // The client sees the closed socket a moment after the backend exits.
  await pause(100);
}

describe('postgres.js when PostgreSQL terminates a connection (patches/postgres@3.4.9.patch)', () => {
  let probeUrl: string;
  let db: DbHandle;

  beforeAll(async () => {
    probeUrl = pg.url.replace(/\/postgres$/, '/driver_probe');
    db = await createDb({ databaseUrl: probeUrl, poolSize: 1 });
    await queryRows(db.db, sql`create table probe (note text not null)`);
  });
  afterAll(() => db?.close());

  /**
   * Runs `body` in a transaction and waits for the transaction and for `body` itself: postgres.js
   * rejects the transaction as soon as its connection closes, while `body` goes on running.
   */
  async function transactionToTheEnd(body: (tx: Transaction) => Promise<void>) {
    let bodyEnded: (result: Outcome<void>) => void = () => {};
    const bodyOutcome = new Promise<Outcome<void>>((resolve) => {
      bodyEnded = resolve;
    });
    const transaction = outcome(
      db.db.transaction(async (tx) => {
        const result = await outcome(body(tx));
        bodyEnded(result);
        if (!result.ok) throw result.error;
      }),
    );
    return {
      transaction: await settledWithin(transaction, 5000),
      body: await settledWithin(bodyOutcome, 5000),
    };
  }

  /** True when `result` is a failure the server answers with 503 and Retry-After (packages/api/src/trpc/procedures.ts). */
  const unavailable = (result: Outcome<unknown> | 'pending') =>
    result !== 'pending' && !result.ok && isDatabaseUnavailable(result.error);

  it('rejects the next query of a transaction whose backend died, instead of crashing the process', async () => {
    const { result, uncaught } = await uncaughtDuring(() =>
      transactionToTheEnd(async (tx) => {
        const [me] = await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
        await terminate(Number(me?.pid));
        await queryRows(tx, sql`select 1`);
      }),
    );
    expect(uncaught.map((error) => error.message)).toEqual([]);
    expect(unavailable(result.transaction)).toBe(true);
    expect(unavailable(result.body), 'the query after the connection died settles').toBe(true);
    // The pool reconnects for the next query.
    expect(await settledWithin(queryRows(db.db, sql`select 1 as one`), 5000)).toEqual([{ one: 1 }]);
  });

  it('never runs a query of a dead transaction on its own once the pool reconnected', async () => {
    await queryRows(db.db, sql`truncate probe`);
    const { transaction, body } = await transactionToTheEnd(async (tx) => {
      await queryRows(tx, sql`insert into probe values ('first, inside the transaction')`);
      const [me] = await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
      await terminate(Number(me?.pid));
      // Meanwhile another request gets the same (only) pool connection, reconnected.
      await queryRows(db.db, sql`select 1`);
      await queryRows(tx, sql`insert into probe values ('second, after the transaction died')`);
    });
    expect(unavailable(transaction)).toBe(true);
    expect(unavailable(body)).toBe(true);
    // Neither half of the failed transaction was committed.
    expect(await queryRows(db.db, sql`select note from probe`)).toEqual([]);
  });

  it('keeps its pool connection when a dead transaction sends new statements', async () => {
    const late: Array<Outcome<unknown> | 'pending'> = [];
    const { transaction } = await transactionToTheEnd(async (tx) => {
      const [me] = await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
      await terminate(Number(me?.pid));
      // Statements this connection never prepared: each must settle.
      for (const note of ['a', 'b']) {
        late.push(await settledWithin(outcome(queryRows(tx, sql`select ${note}::text as note`)), 2000));
      }
    });
    expect(unavailable(transaction)).toBe(true);
    expect(late.map(unavailable)).toEqual([true, true]);
    // The pool's only connection was not lost: the next query is answered.
    expect(await settledWithin(queryRows(db.db, sql`select 2 as two`), 5000)).toEqual([{ two: 2 }]);
  });

  it('answers the first query after a backend died mid-query, instead of failing it with the old error', async () => {
    const [me] = await queryRows<{ pid: number }>(db.db, sql`select pg_backend_pid() as pid`);
    const slow = outcome(queryRows(db.db, sql`select pg_sleep(30)`));
    // Terminated while the statement runs: PostgreSQL answers it with FATAL 57P01, then hangs up.
    await pause(100);
    await terminate(Number(me?.pid));
    const killed = await settledWithin(slow, 5000);
    expect(unavailable(killed)).toBe(true);
    // PostgreSQL is up: the next query gets a new connection and succeeds.
    expect(await settledWithin(outcome(queryRows(db.db, sql`select 3 as three`)), 5000)).toEqual({
      ok: true,
      value: [{ three: 3 }],
    });
  });

  it('fails a query whose connection is closed during startup, instead of reconnecting forever', async () => {
    // What a proxy in front of a stopped PostgreSQL does (e.g. a container port): accept, then hang up.
    let accepted = 0;
    const proxy = net.createServer((socket) => {
      accepted += 1;
      socket.end();
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const client = postgres({ host: '127.0.0.1', port, max: 1, connect_timeout: 1 });
    try {
      // Before the patch: pending forever, thousands of connections a second.
      expect(unavailable(await settledWithin(outcome(client`select 1`), 5000))).toBe(true);
      expect(accepted).toBeLessThan(20);
    } finally {
      await client.end({ timeout: 0 });
      proxy.close();
    }
  });

  it('connects again after its socket closed with a write still buffered', async () => {
    // The socket hook lets the test close the real socket at the one moment that matters: after a
    // query's bytes were buffered (written from a `setImmediate` callback, flushed on the next turn of
    // the event loop) and before they were sent.
    const sockets: net.Socket[] = [];
    const url = new URL(probeUrl);
    const options: OptionsWithSocket = {
      max: 1,
      connect_timeout: 2,
      onnotice: () => {},
      socket: () => {
        const socket = net.connect(Number(url.port), url.hostname);
        sockets.push(socket);
        return socket;
      },
    };
    const client = postgres(probeUrl, options);
    try {
      await client`select 1`;
      const [first] = sockets;
      if (!first) throw new Error('postgres.js opened no socket');
      first.destroy();
      const inFlight = new Promise<Outcome<unknown>>((resolve) =>
        setImmediate(() => resolve(outcome(client`select 2`))),
      );
      const lost = await settledWithin(inFlight, 5000);
      expect(unavailable(lost)).toBe(true);
      // Before the patch the stale timer kept the new socket's startup message unsent: CONNECT_TIMEOUT
      // after `connect_timeout`, on every later query.
      expect(await settledWithin(outcome(client`select 3 as three`), 5000)).toEqual({
        ok: true,
        value: [{ three: 3 }],
      });
      expect(sockets.length).toBe(2);
    } finally {
      await client.end({ timeout: 1 });
    }
  });
});

type Answer =
  | { op: string; kind: 'response'; status: number; code: string | null; retryAfter: string | null }
  | { op: string; kind: 'no answer'; error: string };

/** Longest a request may take before it counts as hung (a healthy one takes milliseconds). */
const REQUEST_TIMEOUT_MS = 8000;

/** One tRPC call over HTTP with a deadline; a timeout or a dropped connection is a "no answer". */
async function request(
  baseUrl: string,
  op: string,
  path: string,
  init: { method: 'GET' | 'POST'; body?: unknown; token: string },
): Promise<Answer> {
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method: init.method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${init.token}` },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let code: string | null = null;
    try {
      const json: unknown = JSON.parse(text);
      // `/trpc` wraps the error in `error`; the REST mirror sends the same shape unwrapped.
      const found = field(json, 'error', 'data', 'code') ?? field(json, 'data', 'code');
      code = typeof found === 'string' ? found : null;
    } catch {
      code = null;
    }
    return {
      op,
      kind: 'response',
      status: response.status,
      code,
      retryAfter: response.headers.get('retry-after'),
    };
  } catch (error) {
    return { op, kind: 'no answer', error: error instanceof Error ? error.name : String(error) };
  }
}

/** The lines a dying server printed last (the uncaught error and its stack). */
function crashReport(server: ChildServer): string {
  const lines = server.output().trimEnd().split('\n');
  return `the server process exited:\n${lines.slice(-8).join('\n').slice(-3000)}`;
}

describe('the server when PostgreSQL terminates all its connections under load (real process)', () => {
  const CLIENTS = 16;
  const ROUNDS = 20;
  let server: ChildServer;
  let dataDir: string;
  let users: SignedUp[];
  let questionId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'devflow-drop-'));
    server = await spawnServer({
      DATABASE_URL: pg.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      // Reads go to the database, not to the page cache.
      CACHE_PAGES: 'off',
      RATE_LIMITS: JSON.stringify({
        writes: { points: 100_000, durationSeconds: 60 },
        register: { points: 100, durationSeconds: 3600 },
      }),
    });
    users = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => register(server.url, `drop_client_${i}`)),
    );
    const author = await register(server.url, 'drop_author');
    questionId = await postQuestion(server.url, author.token, 'What survives a terminated backend?');
  });
  afterAll(() => {
    server?.kill();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Terminates every backend of the server's database but our own; returns their pids. */
  async function terminateServerBackends(): Promise<number[]> {
    const rows = await queryRows<{ pid: number }>(
      admin.db,
      // Materialized first: in one WHERE clause PostgreSQL may terminate before it filters out our pid.
      sql`with targets as materialized (
            select pid from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid()
              and backend_type = 'client backend'
          )
          select pid from targets where pg_terminate_backend(pid)`,
    );
    return rows.map((row) => Number(row.pid));
  }

  /** Reads and transactional writes in turn, as one client would make them. */
  function step(user: SignedUp, i: number): Promise<Answer> {
    const id = encodeURIComponent(JSON.stringify({ id: questionId }));
    const list = encodeURIComponent(JSON.stringify({ sort: 'newest' }));
    switch (i % 5) {
      case 0:
        return request(server.url, 'question.list', `/trpc/question.list?input=${list}`, {
          method: 'GET',
          token: user.token,
        });
      case 1:
        return request(server.url, 'question.byId', `/trpc/question.byId?input=${id}`, {
          method: 'GET',
          token: user.token,
        });
      case 2:
        return request(server.url, 'answer.create', '/trpc/answer.create', {
          method: 'POST',
          body: { questionId, body: `Answer ${i} by ${user.username}, written while backends die.` },
          token: user.token,
        });
      case 3:
        return request(server.url, 'reaction.set', '/trpc/reaction.set', {
          method: 'POST',
          body: { targetType: 'question', targetId: questionId, value: i % 2 === 0 ? 'like' : 'dislike' },
          token: user.token,
        });
      default:
        return request(server.url, 'GET /api/question/list', '/api/question/list?sort=newest', {
          method: 'GET',
          token: user.token,
        });
    }
  }

  it('stays up, answers every request with 200 or 503 + Retry-After, and recovers', async () => {
    const answers: Answer[] = [];
    let successes = 0;
    let running = true;
    const clients = users.map(async (user, c) => {
      for (let i = c; running; i++) {
        const answer = await step(user, i);
        answers.push(answer);
        if (answer.kind === 'response' && answer.status === 200) successes++;
      }
    });

    const terminated: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts on a loaded pool that has reconnected since the last one.
      const target = successes + CLIENTS;
      const deadline = Date.now() + 10_000;
      while (successes < target && Date.now() < deadline && server.child.exitCode === null) await pause(10);
      expect(server.child.exitCode, crashReport(server)).toBeNull();
      expect(successes, `requests succeed again before round ${round + 1}`).toBeGreaterThanOrEqual(target);
      terminated.push((await terminateServerBackends()).length);
    }
    running = false;
    await Promise.all(clients);

    expect(server.child.exitCode, crashReport(server)).toBeNull();
    // Nothing failed unexpectedly: an outage is logged as "database unavailable", not "procedure failed".
    const unexpected = server
      .output()
      .split('\n')
      .filter((line) => /TypeError|uncaught|procedure failed/i.test(line));
    expect(unexpected.map((line) => line.slice(0, 300))).toEqual([]);
    expect(
      terminated.every((n) => n > 0),
      `backends terminated per round: ${terminated}`,
    ).toBe(true);

    const wrong = answers.filter(
      (a) =>
        a.kind === 'no answer' ||
        !(
          a.status === 200 ||
          (a.status === 503 && a.code === 'SERVICE_UNAVAILABLE' && Number(a.retryAfter) > 0)
        ),
    );
    expect(wrong, JSON.stringify(wrong.slice(0, 5))).toEqual([]);
    const refused = answers.filter((a) => a.kind === 'response' && a.status === 503).length;
    expect(refused, 'the terminations reached requests in flight').toBeGreaterThan(0);

    // Recovered: within seconds every kind of request succeeds again, on the same process.
    const [user] = users;
    if (!user) throw new Error('no users');
    const recoveredBy = Date.now() + 5000;
    let after: Array<number | string> = [];
    do {
      const pass = await Promise.all([0, 1, 2, 3, 4].map((i) => step(user, i + 100)));
      after = pass.map((a) => (a.kind === 'response' ? a.status : a.error));
    } while (after.some((status) => status !== 200) && Date.now() < recoveredBy);
    expect(after).toEqual([200, 200, 200, 200, 200]);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);

    // No transaction was half applied: every counter equals what it counts.
    const [counts] = await queryRows<{ stored: number; counted: number; likes: number; liked: number }>(
      admin.db,
      sql`select
            (select answer_count from questions where id = ${Number(questionId)}) as stored,
            (select count(*)::int from answers where question_id = ${Number(questionId)}
               and deleted_at is null) as counted,
            (select likes from questions where id = ${Number(questionId)}) as likes,
            (select count(*)::int from reactions where target_type = 'question'
               and target_id = ${Number(questionId)} and value = 1) as liked`,
    );
    expect(Number(counts?.stored)).toBe(Number(counts?.counted));
    expect(Number(counts?.likes)).toBe(Number(counts?.liked));
  });
});
