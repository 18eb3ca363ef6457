/**
 * `reply.thread` three ways, for the bare baseline server and its check (`thread.test.ts`): the
 * procedure's recursive CTE written out as plain SQL, one query per LEVEL, and one query per REPLY
 * (classic N+1). All three return the procedure's JSON for an anonymous viewer — the same nodes,
 * `moreReplies`, `truncated` and `total` — so the bench compares equal work.
 *
 * Semantics (packages/contract/src/reply.ts): at most `THREAD_MAX_NODES` replies, breadth-first —
 * every level-1 reply oldest first, then each level in its parents' order, each parent's children oldest
 * first — until the cap, which may cut a level part-way. `moreReplies` marks every returned reply with a
 * child left out; `truncated` says anything in scope was left out; `total` counts the post's replies.
 *
 * Strategies take a `RunSql` so that they run on postgres.js (the server, prepared statements like the
 * procedure's) and on PGlite (the check, when `DATABASE_URL` is unset). The one-statement twin takes its
 * SQL from the procedure's query module; the naive ones write their own (there is no procedure to copy).
 */
import { threadStatement, threadTargetState } from '@devflow/db/queries/reply';
import { sql } from 'drizzle-orm';
import { render, type SqlParam } from './render';

export type { SqlParam } from './render';

/** Levels `reply.thread` returns at most by default (`MAX_THREAD_DEPTH` of packages/contract/src/limits.ts; `thread.test.ts` checks they agree). */
export const THREAD_MAX_DEPTH = 1000;
/** Node cap of one `reply.thread` response (`MAX_THREAD_NODES` of packages/contract/src/limits.ts). */
export const THREAD_MAX_NODES = 10_000;

/** A value as either driver returns it: postgres.js gives int8 and counts as strings, PGlite numbers. */
type Num = number | string | bigint;
/** Runs one statement with `$n` parameters and resolves to its rows. */
export type RunSql = <T extends object>(text: string, params: readonly SqlParam[]) => Promise<T[]>;

/** What to load: the post, an optional subtree root, and the depth bound (as the procedure's input). */
export type ThreadRequest = {
  type: 'question' | 'answer';
  id: number;
  rootId?: number | undefined;
  maxDepth?: number | undefined;
};

/** A reply row with its author, as every strategy reads it. */
type ReplyRow = {
  id: Num;
  parent_id: Num | null;
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
  author_id: Num;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
};

/** A row of the CTE statement: a reply (or nothing, on the target-only row) plus the page's facts. */
type CteRow = { [K in keyof ReplyRow]: ReplyRow[K] | null } & {
  target_state: 'live' | 'deleted' | null;
  total: Num;
  roots: Num;
  lvl: number | null;
  my_reaction: number | null;
  last_child: Num | null;
};

/** A node of `reply.thread` (the procedure's `ReplyNode`). */
export type TreeNode = {
  id: string;
  parentId: string | null;
  targetType: 'question' | 'answer';
  targetId: string;
  depth: number;
  body: string;
  bodyHtml: string;
  author: { id: string; username: string; displayName: string | null; avatarUrl: string | null };
  likes: number;
  dislikes: number;
  score: number;
  myReaction: 'like' | 'dislike' | null;
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
  /** Only moderators see a hidden reply as such; the bench reads as everyone else, to whom it is deleted. */
  hidden: boolean;
  moreReplies: boolean;
  /** Ids of the returned children, oldest first. */
  children: string[];
};

/** The output of `reply.thread`; null stands for NOT_FOUND (missing or deleted post, root elsewhere). */
export type ThreadResponse = { items: TreeNode[]; truncated: boolean; total: number } | null;

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();
const reaction = (value: number | null) => (value === 1 ? 'like' : value === -1 ? 'dislike' : null);

function toNode(row: ReplyRow, request: ThreadRequest, moreReplies: boolean, myReaction: number | null) {
  const deleted = row.deleted_at !== null || row.hidden_at !== null;
  const node: TreeNode = {
    id: String(row.id),
    parentId: row.parent_id === null ? null : String(row.parent_id),
    targetType: request.type,
    targetId: String(request.id),
    depth: Number(row.depth),
    body: deleted ? '' : row.body,
    bodyHtml: deleted ? '' : row.body_html,
    author: {
      id: String(row.author_id),
      username: row.username,
      displayName: row.display_name,
      avatarUrl: row.avatar_url,
    },
    likes: Number(row.likes),
    dislikes: Number(row.dislikes),
    score: Number(row.score),
    myReaction: reaction(myReaction === null ? null : Number(myReaction)),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    deleted,
    hidden: false,
    moreReplies,
    children: [],
  };
  return node;
}

/**
 * Fills each node's `children` with the ids of its returned children, oldest first, given the nodes as the
 * procedure lists them: flat, level by level, by id within a level.
 */
function link(items: TreeNode[]): TreeNode[] {
  const byId = new Map<string, TreeNode>();
  for (const node of items) {
    const parent = node.parentId === null ? undefined : byId.get(node.parentId);
    parent?.children.push(node.id);
    byId.set(node.id, node);
  }
  return items;
}

/**
 * The statement of `loadThread` for an anonymous viewer, rendered from packages/db/src/queries/reply.ts
 * itself (`threadStatement`): the bare twin runs the procedure's very SQL text, so the two cannot drift.
 */
export function threadCteQuery(request: ThreadRequest): { text: string; params: SqlParam[] } {
  return render(
    threadStatement({
      targetType: request.type,
      targetId: request.id,
      rootId: request.rootId ?? null,
      maxDepth: request.maxDepth ?? THREAD_MAX_DEPTH,
      maxNodes: THREAD_MAX_NODES,
      afterId: null,
      viewerId: null,
    }),
  );
}

const hasRow = (row: CteRow): row is CteRow & ReplyRow & { lvl: number } => row.id !== null;

/** `reply.thread` in ONE statement, shaped like the procedure (packages/api/src/domains/reply/service.ts). */
export async function threadByCte(run: RunSql, request: ThreadRequest): Promise<ThreadResponse> {
  const withRoot = request.rootId !== undefined;
  const query = threadCteQuery(request);
  const rows = await run<CteRow>(query.text, query.params);
  const first = rows[0];
  if (first?.target_state !== 'live') return null;
  const nodes = rows.filter(hasRow);
  if (withRoot && nodes.length === 0) return null;
  // A reply misses children exactly when its newest child is not in the page (as in the service).
  const returned = new Set(nodes.map((row) => String(row.id)));
  const cut = (row: CteRow) => row.last_child !== null && !returned.has(String(row.last_child));
  // Rows come by level, siblings oldest first; a `rootId` reply's parent is not in the page, so it is a root.
  const items = link(nodes.map((row) => toNode(row, request, cut(row), row.my_reaction)));
  const returnedRoots = nodes.filter((row) => row.lvl === 1).length;
  const truncated = nodes.some(cut) || (!withRoot && Number(first.roots) > returnedRoots);
  return { items, truncated, total: Number(first.total) };
}

const replyColumns = `r.id, r.parent_id, r.depth, r.body, r.body_html, r.likes, r.dislikes, r.score, r.created_at,
  r.updated_at, r.deleted_at, r.hidden_at, r.author_id, u.username, u.display_name, u.avatar_url`;

/** The post's state and reply counts (first query of the naive strategies), its state as the procedure reads it. */
async function head(run: RunSql, request: ThreadRequest) {
  const query = render(sql`
    select (${threadTargetState(request.type, request.id)}) as target_state, count(*) as total,
           count(*) filter (where s.parent_id is null) as roots
    from replies s where s.target_type = ${request.type} and s.target_id = ${request.id}`);
  const [row] = await run<{ target_state: 'live' | 'deleted' | null; total: Num; roots: Num }>(
    query.text,
    query.params,
  );
  return row && row.target_state === 'live' ? { total: Number(row.total), roots: Number(row.roots) } : null;
}

/** Level 1: the oldest top-level replies (at most the cap), or the root. */
function firstLevel(run: RunSql, request: ThreadRequest) {
  return request.rootId === undefined
    ? run<ReplyRow>(
        `select ${replyColumns} from replies r join users u on u.id = r.author_id
         where r.target_type = $1 and r.target_id = $2 and r.parent_id is null order by r.id limit $3`,
        [request.type, request.id, THREAD_MAX_NODES],
      )
    : run<ReplyRow>(
        `select ${replyColumns} from replies r join users u on u.id = r.author_id
         where r.target_type = $1 and r.target_id = $2 and r.id = $3`,
        [request.type, request.id, request.rootId],
      );
}

/**
 * The page's bookkeeping shared by the naive strategies: which replies were returned, in breadth-first
 * order, and which returned replies are known to have a child left out.
 */
class Page {
  readonly rows: ReplyRow[] = [];
  readonly cut = new Set<string>();
  constructor(
    readonly request: ThreadRequest,
    readonly head: { total: number; roots: number },
  ) {}
  get full() {
    return this.rows.length >= THREAD_MAX_NODES;
  }
  /** Adds a parent's children, oldest first, until the cap; flags the parent if some did not fit. */
  addChildren(parentId: string, children: ReplyRow[]): ReplyRow[] {
    const room = THREAD_MAX_NODES - this.rows.length;
    const kept = children.slice(0, Math.max(room, 0));
    this.rows.push(...kept);
    if (kept.length < children.length) this.cut.add(parentId);
    return kept;
  }
  response(): ThreadResponse {
    // Breadth-first order is each level in its parents' order; the procedure lists a level by id.
    const rows = [...this.rows].sort(
      (a, b) => Number(a.depth) - Number(b.depth) || Number(a.id) - Number(b.id),
    );
    const items = link(rows.map((row) => toNode(row, this.request, this.cut.has(String(row.id)), null)));
    const roots = this.rows.filter((row) => this.request.rootId === undefined && row.parent_id === null);
    const truncated =
      this.cut.size > 0 || (this.request.rootId === undefined && this.head.roots > roots.length);
    return { items, truncated, total: this.head.total };
  }
}

/**
 * `reply.thread` the naive way: one query per LEVEL for the children of the whole previous level (put in
 * breadth-first order in JS), until the page is full or `maxDepth` is reached; then one query for which
 * replies of the last level have children.
 */
export async function threadPerLevel(run: RunSql, request: ThreadRequest): Promise<ThreadResponse> {
  const facts = await head(run, request);
  if (!facts) return null;
  const page = new Page(request, facts);
  let level = await firstLevel(run, request);
  if (request.rootId !== undefined && level.length === 0) return null;
  page.rows.push(...level);
  const maxDepth = request.maxDepth ?? THREAD_MAX_DEPTH;
  for (let depth = 1; depth < maxDepth && level.length > 0 && !page.full; depth += 1) {
    const children = await run<ReplyRow>(
      `select ${replyColumns} from replies r join users u on u.id = r.author_id
       where r.parent_id = any($1::bigint[]) order by r.id`,
      [level.map((row) => String(row.id))],
    );
    const byParent = new Map<string, ReplyRow[]>();
    for (const child of children) {
      const key = String(child.parent_id);
      const list = byParent.get(key);
      if (list) list.push(child);
      else byParent.set(key, [child]);
    }
    const next: ReplyRow[] = [];
    for (const parent of level) {
      next.push(...page.addChildren(String(parent.id), byParent.get(String(parent.id)) ?? []));
    }
    level = next;
  }
  // The last level's replies: their children were not read (cap or depth), so ask which have any.
  if (level.length > 0) {
    const parents = await run<{ parent_id: Num }>(
      'select distinct parent_id from replies where parent_id = any($1::bigint[])',
      [level.map((row) => String(row.id))],
    );
    for (const row of parents) page.cut.add(String(row.parent_id));
  }
  return page.response();
}

/**
 * `reply.thread` the most naive way (classic N+1): one query per REPLY for its children, breadth-first,
 * until the page is full or `maxDepth` is reached; then one query per returned reply whose children were
 * not read, to know whether it has any.
 */
export async function threadPerNode(run: RunSql, request: ThreadRequest): Promise<ThreadResponse> {
  const facts = await head(run, request);
  if (!facts) return null;
  const page = new Page(request, facts);
  const first = await firstLevel(run, request);
  if (request.rootId !== undefined && first.length === 0) return null;
  page.rows.push(...first);
  const maxDepth = request.maxDepth ?? THREAD_MAX_DEPTH;
  const level = new Map(first.map((row) => [String(row.id), 1]));
  for (let i = 0; i < page.rows.length; i += 1) {
    const row = page.rows[i];
    if (!row) break;
    const id = String(row.id);
    const depth = level.get(id) ?? 1;
    if (page.full || depth >= maxDepth) {
      const [child] = await run<{ id: Num }>('select id from replies where parent_id = $1 limit 1', [id]);
      if (child) page.cut.add(id);
      continue;
    }
    const children = await run<ReplyRow>(
      `select ${replyColumns} from replies r join users u on u.id = r.author_id
       where r.parent_id = $1 order by r.id`,
      [id],
    );
    for (const child of page.addChildren(id, children)) level.set(String(child.id), depth + 1);
  }
  return page.response();
}
