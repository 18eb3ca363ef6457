/**
 * `reply.thread` three ways, for the bare baseline server and its check (`thread.test.ts`): the
 * procedure's one statement sent as plain SQL, one query per LEVEL, and one query per REPLY (classic
 * N+1). All three answer the procedure's JSON for an anonymous reader and the same request — the same
 * page of nodes, `moreReplies`, `truncated`, `total`, `nextCursor` and `nextParentId` — so the bench
 * compares equal work.
 *
 * Semantics (packages/contract/src/reply.ts): a page holds at most `limit` replies (200 by default) in
 * DEPTH-FIRST order — a reply, then its replies oldest first, each followed by its own — down to
 * `maxDepth` levels; `cursor` (the previous page's `nextCursor`) continues right after that page's last
 * reply. Every strategy reads rows in that order and hands them to the procedure's own pure shaping
 * (`toThreadPage`, packages/api/src/domains/reply/service.ts), so only how the rows are read differs.
 *
 * Strategies take a `RunSql` so that they run on postgres.js (the server, prepared statements like the
 * procedure's) and on PGlite (the check, when `DATABASE_URL` is unset). The one-statement twin takes its
 * SQL from the procedure's query module; the naive ones write their own (there is no procedure to copy).
 */
import {
  MAX_THREAD_DEPTH,
  type RouterOutputs,
  THREAD_PAGE_SIZE,
  threadCursorAfter,
  toThreadPage,
} from '@devflow/api';
import type { ThreadRow } from '@devflow/db';
import { threadStatement, threadTargetState } from '@devflow/db/queries/reply';
import { sql } from 'drizzle-orm';
import { render, type SqlParam } from './render';

export type { SqlParam } from './render';

/** Runs one statement with `$n` parameters and resolves to its rows. */
export type RunSql = <T extends object>(text: string, params: readonly SqlParam[]) => Promise<T[]>;

/** What to load, as the procedure's input: the post, an optional subtree root, the depth bound, the page. */
export type ThreadRequest = {
  type: 'question' | 'answer';
  id: number;
  rootId?: number | undefined;
  maxDepth?: number | undefined;
  /** Replies per page (the procedure's default when not given). */
  limit?: number | undefined;
  /** A previous page's `nextCursor`. */
  cursor?: string | undefined;
};

/** One page of `reply.thread`, as the procedure answers it. */
export type ThreadPage = RouterOutputs['reply']['thread'];

/** The procedure's answer, or the tRPC code of its error (NOT_FOUND, or BAD_REQUEST for a bad cursor). */
export type ThreadResponse = ThreadPage | { error: 'NOT_FOUND' | 'BAD_REQUEST' };

const notFound = { error: 'NOT_FOUND' } as const;
const badCursor = { error: 'BAD_REQUEST' } as const;

/** The request's bounds with the procedure's defaults. */
function bounds(request: ThreadRequest) {
  return {
    targetType: request.type,
    targetId: request.id,
    maxDepth: request.maxDepth ?? MAX_THREAD_DEPTH,
    limit: request.limit ?? THREAD_PAGE_SIZE.default,
  };
}

/** The reply the request's cursor continues after (null: first page), or undefined for a bad cursor. */
function afterIdOf(request: ThreadRequest): number | null | undefined {
  try {
    return threadCursorAfter(request.cursor);
  } catch {
    return undefined;
  }
}

/**
 * The statement of `loadThread` for an anonymous reader, rendered from packages/db/src/queries/reply.ts
 * itself (`threadStatement`): the bare twin runs the procedure's very SQL text, so the two cannot drift.
 * `afterId` defaults to the request's cursor (a cursor that does not decode counts as none here;
 * `threadByCte` answers BAD_REQUEST for it before rendering).
 */
export function threadCteQuery(
  request: ThreadRequest,
  afterId: number | null = afterIdOf(request) ?? null,
): { text: string; params: SqlParam[] } {
  const { targetType, targetId, maxDepth, limit } = bounds(request);
  return render(
    threadStatement({
      targetType,
      targetId,
      rootId: request.rootId ?? null,
      maxDepth,
      maxNodes: limit + 1,
      afterId,
      viewerId: null,
    }),
  );
}

/** `reply.thread` in ONE statement, the procedure's (packages/api/src/domains/reply/service.ts). */
export async function threadByCte(run: RunSql, request: ThreadRequest): Promise<ThreadResponse> {
  const afterId = afterIdOf(request);
  if (afterId === undefined) return badCursor;
  const query = threadCteQuery(request, afterId);
  const rows = await run<ThreadRow>(query.text, query.params);
  const first = rows[0];
  if (first?.target_state !== 'live') return notFound;
  if (!first.cursor_ok) return badCursor;
  if (request.rootId !== undefined && afterId === null && !rows.some((row) => row.id !== null)) {
    return notFound;
  }
  return toThreadPage(rows, Number(first.total), bounds(request), false);
}

/** A reply row with its author, as the naive strategies read it. */
type ReplyRow = {
  id: string | number;
  parent_id: string | number | null;
  depth: number;
  body: string;
  body_html: string;
  likes: number;
  dislikes: number;
  score: number;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
  /** Set while flags hide the reply pending review (a tombstone to the readers the bench plays). */
  hidden_at: Date | string | null;
  author_id: string | number;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
};

/** A reply in the request's scope with its level there and its newest child's id (null: none). */
type WalkRow = ReplyRow & { lvl: number; last_child: string | number | null };

const replyColumns = `r.id, r.parent_id, r.depth, r.body, r.body_html, r.likes, r.dislikes, r.score, r.created_at,
  r.updated_at, r.deleted_at, r.hidden_at, r.author_id, u.username, u.display_name, u.avatar_url`;

/** The post's reply count when it is live, as the procedure reads its state; null when NOT_FOUND. */
async function liveTotal(run: RunSql, request: ThreadRequest): Promise<number | null> {
  const query = render(sql`
    select (${threadTargetState(request.type, request.id)}) as target_state, count(*) as total
    from replies s where s.target_type = ${request.type} and s.target_id = ${request.id}`);
  const [row] = await run<{ target_state: 'live' | 'deleted' | null; total: string | number }>(
    query.text,
    query.params,
  );
  return row?.target_state === 'live' ? Number(row.total) : null;
}

/** The scope's first level: every top-level reply oldest first, or the `rootId` reply. */
function firstLevel(run: RunSql, request: ThreadRequest): Promise<ReplyRow[]> {
  return request.rootId === undefined
    ? run<ReplyRow>(
        `select ${replyColumns} from replies r join users u on u.id = r.author_id
         where r.target_type = $1 and r.target_id = $2 and r.parent_id is null order by r.id`,
        [request.type, request.id],
      )
    : run<ReplyRow>(
        `select ${replyColumns} from replies r join users u on u.id = r.author_id
         where r.target_type = $1 and r.target_id = $2 and r.id = $3`,
        [request.type, request.id, request.rootId],
      );
}

/**
 * The page the naive strategies share: `walk` yields the scope's replies in depth-first order; the
 * replies up to the cursor are skipped, the next `limit + 1` kept, and the procedure's `toThreadPage`
 * shapes them. A cursor the walk never meets is BAD_REQUEST, as the procedure's `cursor_ok`.
 */
async function naivePage(
  run: RunSql,
  request: ThreadRequest,
  walk: (run: RunSql, request: ThreadRequest, maxDepth: number) => AsyncIterable<WalkRow>,
): Promise<ThreadResponse> {
  const afterId = afterIdOf(request);
  if (afterId === undefined) return badCursor;
  const total = await liveTotal(run, request);
  if (total === null) return notFound;
  const page = bounds(request);
  const rows: ThreadRow[] = [];
  let passed = afterId === null;
  for await (const row of walk(run, request, page.maxDepth)) {
    if (!passed) {
      passed = Number(row.id) === afterId;
      continue;
    }
    rows.push({ ...row, target_state: 'live', cursor_ok: true, total, my_reaction: null });
    if (rows.length > page.limit) break;
  }
  if (!passed) return badCursor;
  if (request.rootId !== undefined && afterId === null && rows.length === 0) return notFound;
  return toThreadPage(rows, total, page, false);
}

/** Yields a tree in depth-first order, each parent's children oldest first, from its read levels. */
function* depthFirst(
  roots: ReplyRow[],
  childrenOf: Map<string, ReplyRow[]>,
  lastChildOf: (row: ReplyRow) => string | number | null,
): Generator<WalkRow> {
  const stack = roots.map((row) => ({ row, lvl: 1 })).reverse();
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    yield { ...top.row, lvl: top.lvl, last_child: lastChildOf(top.row) };
    const children = childrenOf.get(String(top.row.id)) ?? [];
    for (let i = children.length - 1; i >= 0; i -= 1) {
      const child = children[i];
      if (child) stack.push({ row: child, lvl: top.lvl + 1 });
    }
  }
}

/**
 * The whole scope read one query per LEVEL (the children of the whole previous level), down to
 * `maxDepth`, then one query for the newest child of each reply on the last level; put in depth-first
 * order in JS. It reads every reply in scope whatever the page — the baseline a paged walk is measured by.
 */
async function* walkPerLevel(run: RunSql, request: ThreadRequest, maxDepth: number): AsyncGenerator<WalkRow> {
  const roots = await firstLevel(run, request);
  const childrenOf = new Map<string, ReplyRow[]>();
  let level = roots;
  for (let depth = 1; depth < maxDepth && level.length > 0; depth += 1) {
    const children = await run<ReplyRow>(
      `select ${replyColumns} from replies r join users u on u.id = r.author_id
       where r.parent_id = any($1::bigint[]) order by r.id`,
      [level.map((row) => String(row.id))],
    );
    for (const parent of level) childrenOf.set(String(parent.id), []);
    for (const child of children) childrenOf.get(String(child.parent_id))?.push(child);
    level = children;
  }
  // The last level's children were not read: ask for the newest child of each.
  const lastOfLastLevel = new Map<string, string | number>();
  if (level.length > 0) {
    const rows = await run<{ parent_id: string | number; last_child: string | number }>(
      `select parent_id, max(id) as last_child from replies where parent_id = any($1::bigint[])
       group by parent_id`,
      [level.map((row) => String(row.id))],
    );
    for (const row of rows) lastOfLastLevel.set(String(row.parent_id), row.last_child);
  }
  yield* depthFirst(roots, childrenOf, (row) => {
    const children = childrenOf.get(String(row.id));
    if (children === undefined) return lastOfLastLevel.get(String(row.id)) ?? null;
    return children[children.length - 1]?.id ?? null;
  });
}

/**
 * The scope walked depth-first with one query per REPLY (classic N+1): on reaching a reply, one query
 * for its children (or, on the `maxDepth` level, for its newest child), until the page is full. The
 * replies before the cursor are walked too: naive paging re-reads what earlier pages showed.
 */
async function* walkPerNode(run: RunSql, request: ThreadRequest, maxDepth: number): AsyncGenerator<WalkRow> {
  const stack = (await firstLevel(run, request)).map((row) => ({ row, lvl: 1 })).reverse();
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const id = String(top.row.id);
    if (top.lvl >= maxDepth) {
      const [child] = await run<{ id: string | number | null }>(
        'select max(id) as id from replies where parent_id = $1',
        [id],
      );
      yield { ...top.row, lvl: top.lvl, last_child: child?.id ?? null };
      continue;
    }
    const children = await run<ReplyRow>(
      `select ${replyColumns} from replies r join users u on u.id = r.author_id
       where r.parent_id = $1 order by r.id`,
      [id],
    );
    yield { ...top.row, lvl: top.lvl, last_child: children[children.length - 1]?.id ?? null };
    for (let i = children.length - 1; i >= 0; i -= 1) {
      const child = children[i];
      if (child) stack.push({ row: child, lvl: top.lvl + 1 });
    }
  }
}

/** `reply.thread` the naive way: one query per LEVEL over the whole scope, paged in JS. */
export function threadPerLevel(run: RunSql, request: ThreadRequest): Promise<ThreadResponse> {
  return naivePage(run, request, walkPerLevel);
}

/** `reply.thread` the most naive way (classic N+1): one query per REPLY, depth-first, until the page is full. */
export function threadPerNode(run: RunSql, request: ThreadRequest): Promise<ThreadResponse> {
  return naivePage(run, request, walkPerNode);
}
