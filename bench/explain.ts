/**
 * `EXPLAIN (ANALYZE, BUFFERS)` of every statement the measured procedures send. Each tRPC side of a
 * scenario has its first request replayed once, in this process, through the same router (`createCaller`
 * with the bench account of its bearer token, page cache off, as the uncached server runs), on a database
 * connection whose Drizzle logger records each statement with its parameters; then each statement is
 * explained in a transaction that is rolled back, so writes change nothing. A statement sent again with
 * the same parameters by a later scenario is listed once, under the first (so "statement 2 of 3" counts the new ones).
 */

import {
  type ApiDeps,
  createCaller,
  createContextInner,
  createJobQueue,
  defaultApiConfig,
  silentLogger,
  validateSessionToken,
} from '@devflow/api';
import { createMemoryCache } from '@devflow/cache';
import { createDb } from '@devflow/db';
import type { Logger } from 'drizzle-orm';
import type postgres from 'postgres';
import type { CannonRequest } from './cannon';

/** One statement of a scenario and its `EXPLAIN (ANALYZE, BUFFERS)` output. */
export type Plan = { scenario: string; statement: string; plan: string };

/** A scenario's side whose procedure is explained: its name and the request it sends first. */
export type ExplainedCall = { scenario: string; request: CannonRequest };

/** A statement as Drizzle sent it. */
type Sent = { text: string; params: unknown[] };

/** Sees every statement Drizzle sends, with its parameters. */
class Recorder implements Logger {
  sent: Sent[] = [];

  logQuery(query: string, params: unknown[]): void {
    this.sent.push({ text: query, params });
  }
}

/** The procedure path and input of a tRPC request of the bench (`/trpc/<path>?input=` or a POST body). */
function procedureOf(request: CannonRequest): { path: string[]; input: unknown } | null {
  const url = new URL(request.path, 'http://bench');
  if (!url.pathname.startsWith('/trpc/')) return null;
  const raw = request.method === 'GET' ? url.searchParams.get('input') : (request.body ?? null);
  return {
    path: url.pathname.slice('/trpc/'.length).split('.'),
    input: raw === null ? undefined : JSON.parse(raw),
  };
}

/** Calls the procedure at `path` of a caller (`['question', 'byId']` → `caller.question.byId(input)`). */
async function callPath(caller: unknown, path: string[], input: unknown): Promise<void> {
  // tRPC's caller is a proxy over functions: every step is a function with properties.
  let target: unknown = caller;
  for (const key of path) {
    target = typeof target === 'function' ? Reflect.get(target, key) : undefined;
  }
  if (typeof target !== 'function') throw new Error(`no procedure ${path.join('.')}`);
  await target(input);
}

class Rollback extends Error {}

/** Runs `explain <options> <statement>` in a transaction that is rolled back; the plan's lines. */
async function explain(sql: postgres.Sql, options: string, statement: Sent): Promise<string> {
  let rows: { 'QUERY PLAN': string }[] = [];
  try {
    await sql.begin(async (tx) => {
      await tx`set local jit = off`;
      rows = (await tx.unsafe(
        `explain (${options}) ${statement.text}`,
        statement.params as postgres.ParameterOrJSON<never>[],
      )) as unknown as { 'QUERY PLAN': string }[];
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

/**
 * `EXPLAIN (ANALYZE, BUFFERS)` of one statement, rolled back. An insert of a row the procedure already
 * wrote (a session id, a live event's sequence number) cannot run again: it gets the plan without
 * ANALYZE and the reason.
 */
async function explainOne(sql: postgres.Sql, statement: Sent): Promise<string> {
  try {
    return await explain(sql, 'analyze, buffers', statement);
  } catch (analyzeError) {
    const reason = `not executed again (${String(analyzeError)}); the plan without ANALYZE:`;
    return explain(sql, 'costs', statement).then(
      (plan) => `${reason}\n${plan}`,
      (error: unknown) => `failed: ${String(error)}`,
    );
  }
}

/**
 * Replays each call once against the bench database at `url` and explains every statement it sent (in
 * order; a procedure that fails is reported with its error instead of plans).
 */
export async function explainEvery(sql: postgres.Sql, url: string, calls: ExplainedCall[]): Promise<Plan[]> {
  const recorder = new Recorder();
  const dbHandle = await createDb({ databaseUrl: url, poolSize: 2, logger: recorder });
  const cache = createMemoryCache({ prefix: '' });
  const deps: ApiDeps = {
    db: dbHandle.db,
    dbHandle,
    cache,
    // The uncached server's configuration: every read goes to the database.
    config: defaultApiConfig({ pageCache: false, nodeEnv: 'production' }),
    log: silentLogger,
    // Jobs sent by a procedure are inserted by its transaction; nothing here works them off.
    jobs: createJobQueue({ dbHandle, log: silentLogger, workers: false }),
  };
  await deps.jobs.start();
  const plans: Plan[] = [];
  const seen = new Set<string>();
  try {
    for (const call of calls) {
      const procedure = procedureOf(call.request);
      if (!procedure) continue;
      const token = call.request.headers?.authorization?.replace(/^Bearer /, '');
      const session = token ? await validateSessionToken(deps, token) : null;
      const caller = createCaller(createContextInner({ deps, user: session?.user ?? null }));
      recorder.sent = [];
      try {
        await callPath(caller, procedure.path, procedure.input);
      } catch (error) {
        plans.push({
          scenario: call.scenario,
          statement: procedure.path.join('.'),
          plan: `failed: ${String(error)}`,
        });
        continue;
      }
      const key = (statement: Sent) => `${statement.text}\n${JSON.stringify(statement.params)}`;
      const sent = recorder.sent.filter((statement) => !seen.has(key(statement)));
      for (const [index, statement] of sent.entries()) {
        seen.add(key(statement));
        plans.push({
          scenario: `${call.scenario} — statement ${index + 1} of ${sent.length}`,
          statement: statement.text.replace(/\s+/g, ' ').trim(),
          plan: await explainOne(sql, statement),
        });
      }
    }
  } finally {
    await deps.jobs.stop(2000).catch(() => undefined);
    await Promise.allSettled([dbHandle.close(), cache.close()]);
  }
  return plans;
}
