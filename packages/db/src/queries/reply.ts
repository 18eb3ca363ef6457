import { eq, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import { replies } from '../schema';
import { replyPostHidden } from './post';
import type { DbNumber, DbTime } from './rows';
import { liveAlias } from './visibility';

/** Where a reply thread hangs from. */
export type ReplyTargetType = 'question' | 'answer';

/** What `loadThread` needs: the thread, an optional subtree root, the bounds, the page, and who is looking. */
export type LoadThreadParams = {
  targetType: ReplyTargetType;
  targetId: number;
  /** Load only the subtree under (and including) this reply; null loads the whole thread. */
  rootId: number | null;
  /** Levels to return, counting the roots as level 1. */
  maxDepth: number;
  /**
   * Rows to read: the page size plus one, so the caller learns whether another page follows (the extra
   * row also says under which reply it continues).
   */
  maxNodes: number;
  /**
   * The last reply of the previous page: the walk resumes right after it in depth-first order. Null
   * starts at the first reply. The statement checks it is in scope (`cursor_ok`).
   */
  afterId: number | null;
  /** Whose reaction fills `myReaction`; null for anonymous readers. */
  viewerId: number | null;
};

/**
 * One row of `loadThread`, in depth-first order (`n`). `id` is null only on the target-only row of an
 * empty result; `target_state`, `cursor_ok` and `total` are the same on every row.
 */
export type ThreadRow = {
  /** 'live', 'deleted', or null when the target does not exist. */
  target_state: 'live' | 'deleted' | null;
  /** False when `afterId` is not a reply of this thread within `rootId` and `maxDepth` (no rows follow). */
  cursor_ok: boolean;
  /** Replies under the target at any depth, tombstones included (whatever `rootId` and `maxDepth`). */
  total: DbNumber;
  id: DbNumber | null;
  parent_id: DbNumber | null;
  depth: number;
  /** Level in the request's scope: 1 for a top-level reply (or the `rootId` reply), then +1 per level. */
  lvl: number;
  body: string;
  body_html: string;
  likes: number;
  dislikes: number;
  score: number;
  created_at: DbTime;
  updated_at: DbTime;
  deleted_at: DbTime | null;
  /** Set while flags hide the reply pending review. */
  hidden_at: DbTime | null;
  author_id: DbNumber;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
  my_reaction: number | null;
  /**
   * The id of this reply's newest child (null: no child). Children follow their parent oldest first in
   * depth-first order, so a reply has children left out of a page exactly when that id is not in it (or
   * when the reply sits on the last level, `maxDepth`).
   */
  last_child: DbNumber | null;
};

/**
 * Loads one page of a thread (or of the subtree under `rootId`) in DEPTH-FIRST order — a reply, then its
 * replies (oldest first) each followed by theirs — in ONE statement whose cost follows the page, not the
 * thread:
 *
 * - `tree` is a recursive CTE that walks the thread ONE STEP PER ROW, like a cursor over the tree: a row
 *   holds the path of ids from the scope's root level down to a reply. The next step is that reply's
 *   oldest child (one `replies_parent_idx (parent_id, id)` probe, skipped on the `maxDepth` level), else
 *   its next younger sibling (one probe of the same index, or of `replies_thread_idx (target_type,
 *   target_id, parent_id, id)` among the top-level replies), else a "climb" row one level up (not
 *   output) whose own next sibling is probed on the following step. Each probe is a `min(id)` over an
 *   index range: one index descent (the top-level probe orders by `replies_thread_idx`'s columns, so
 *   the planner reads that index and stops at the first entry: `min()` over an `is null` range was
 *   planned as an aggregate over every later top-level reply — quadratic on a flat thread — and
 *   `replies_parent_idx` would walk other threads' top-level replies). The probes sit in `CASE` branches, so only the ones
 *   needed run, and each step's two `LATERAL` subqueries are fenced with `OFFSET 0`: inlined, their
 *   probes were copied into every expression that reads them and ran several times per step.
 * - `page` reads `tree` with `LIMIT maxNodes`. PostgreSQL evaluates a recursive CTE lazily, one working
 *   row after the other here, so the walk stops once the page is full: a 100,000-reply thread's first
 *   page costs what a 100-reply thread's does (EXPLAIN ANALYZE in bench/RESULTS.md). A whole thread
 *   walked first and then LIMITed would not.
 * - With `afterId`, `up` climbs from that reply to the scope's root by primary key (at most `maxDepth`
 *   steps) and `seed` turns it into the path the walk resumes from; a reply outside the thread, outside
 *   the `rootId` subtree or deeper than `maxDepth` gives no seed, no rows and `cursor_ok = false`.
 * - Rows come out in walk order (`n`), every parent before its children, so the caller nests them in
 *   one linear pass. Bodies, authors, the viewer's reaction and `last_child` (one backward probe) are
 *   joined for the page only; `total` is the thread's row of `reply_counts` (kept by triggers). The
 *   target's state rides along on a row that exists even when the page is empty, so the caller tells "no
 *   replies" from "no such post" without a second query. JIT is off on every connection (`client.ts`).
 */
export async function loadThread(db: Executor, params: LoadThreadParams): Promise<ThreadRow[]> {
  return queryRows<ThreadRow>(db, threadStatement(params));
}

/**
 * The target's state as a one-row subquery: `'live'`, `'deleted'` (the post, or an answer's question, is
 * deleted), or no row when the post does not exist.
 */
export function threadTargetState(targetType: ReplyTargetType, targetId: number): SQL {
  return targetType === 'question'
    ? sql`select case when ${liveAlias('q')} then 'live' else 'deleted' end as target_state
            from questions q where q.id = ${targetId}`
    : sql`select case when ${liveAlias('a')} and ${liveAlias('q')} then 'live' else 'deleted' end as target_state
            from answers a join questions q on q.id = a.question_id where a.id = ${targetId}`;
}

/**
 * The one statement `loadThread` runs (see there for how it walks the thread). Exported so that the
 * bench's bare postgres.js twin (bench/thread.ts) sends this very SQL text rather than a copy of it.
 */
export function threadStatement(params: LoadThreadParams): SQL {
  const { targetType, targetId, rootId, maxDepth, maxNodes, afterId, viewerId } = params;
  const inThread = (alias: string) =>
    sql`${sql.raw(alias)}.target_type = ${targetType} and ${sql.raw(alias)}.target_id = ${targetId}`;
  // Where the walk starts: the first top-level reply, the `rootId` reply, or (not output) the cursor's path.
  const anchor =
    afterId !== null
      ? sql`select s.path, cardinality(s.path), false, true, 0 from seed s`
      : rootId === null
        ? sql`select array[r.id], 1, true, true, 1 from replies r
              where ${inThread('r')} and r.parent_id is null
              order by r.parent_id, r.id limit 1`
        : sql`select array[r.id], 1, true, true, 1 from replies r where ${inThread('r')} and r.id = ${rootId}`;
  const cursorCtes =
    afterId === null
      ? sql``
      : sql`
      up (id, parent_id, k) as (
        select r.id, r.parent_id, 1 from replies r where r.id = ${afterId} and ${inThread('r')}
        union all
        select p.id, p.parent_id, u.k + 1
        from up u
        cross join lateral (select q.id, q.parent_id from replies q where q.id = u.parent_id offset 0) p
        where u.k <= ${maxDepth} ${rootId === null ? sql`` : sql`and u.id <> ${rootId}`}
      ),
      seed (path) as (
        select array_agg(u.id order by u.k desc) from up u
        having count(*) <= ${maxDepth}
          and bool_or(${rootId === null ? sql`u.parent_id is null` : sql`u.id = ${rootId}`})
      ),`;
  // The next younger top-level reply; a subtree's root has no siblings in scope.
  const nextRoot =
    rootId === null
      ? sql`else (select k.id from replies k
                  where ${inThread('k')} and k.parent_id is null and k.id > t.path[1]
                  order by k.target_type, k.target_id, k.parent_id, k.id limit 1)`
      : sql``;
  return sql`
      with recursive ${cursorCtes}
      tree (path, lvl, out, down, n) as (
        (${anchor})
        union all
        select
          case when c.child is not null then t.path || c.child
               when s.sib is not null then t.path[1:t.lvl - 1] || s.sib
               else t.path[1:t.lvl - 1] end,
          case when c.child is not null then t.lvl + 1 when s.sib is not null then t.lvl else t.lvl - 1 end,
          c.child is not null or s.sib is not null,
          c.child is not null or s.sib is not null,
          t.n + 1
        from tree t
        cross join lateral (
          select case when t.down and t.lvl < ${maxDepth}
            then (select min(k.id) from replies k where k.parent_id = t.path[t.lvl]) end as child
          offset 0
        ) c
        cross join lateral (
          select case when c.child is null then
            case when t.lvl > 1
              then (select min(k.id) from replies k where k.parent_id = t.path[t.lvl - 1] and k.id > t.path[t.lvl])
              ${nextRoot}
            end end as sib
          offset 0
        ) s
        where c.child is not null or s.sib is not null or t.lvl > 1
      ),
      page as (
        select path[lvl] as id, lvl, n from tree where out limit ${maxNodes}
      )
      select
        tgt.target_state, ${afterId === null ? sql`true` : sql`exists (select 1 from seed)`} as cursor_ok,
        sc.total, p.id, r.parent_id, r.depth, p.lvl,
        r.body, r.body_html, r.likes, r.dislikes, r.score, r.created_at, r.updated_at, r.deleted_at, r.hidden_at,
        r.author_id, u.username, u.display_name, u.avatar_url,
        rx.value as my_reaction,
        (select max(m.id) from replies m where m.parent_id = p.id) as last_child
      from (select (${threadTargetState(targetType, targetId)}) as target_state) tgt
      cross join (
        select coalesce(
          (select c.total from reply_counts c where c.target_type = ${targetType} and c.target_id = ${targetId}),
          0
        ) as total
      ) sc
      left join (
        page p
        join replies r on r.id = p.id
        join users u on u.id = r.author_id
        left join reactions rx
          on rx.user_id = ${viewerId ?? 0} and rx.target_type = 'reply' and rx.target_id = p.id
      ) on true
      order by p.n
    `;
}

// ---- Single replies: read, write, lock (the thread query above is separate) ----

/** `replyPostHidden` for the row of `replies` a builder query reads. */
const postHidden = () => replyPostHidden({ targetType: replies.targetType, targetId: replies.targetId });

/**
 * What a new reply needs from the reply it answers: its thread, depth and author, and whether the post
 * the thread hangs from is hidden (`replyPostHidden`); undefined when the reply does not exist.
 */
export async function findReplyParent(db: Executor, id: number) {
  const [parent] = await db
    .select({
      targetType: replies.targetType,
      targetId: replies.targetId,
      depth: replies.depth,
      authorId: replies.authorId,
      hidden: postHidden(),
    })
    .from(replies)
    .where(eq(replies.id, id));
  return parent;
}

/** Inserts a reply; returns its row. */
export async function insertReply(
  db: Executor,
  params: {
    targetType: ReplyTargetType;
    targetId: number;
    parentId: number | null;
    depth: number;
    authorId: number;
    body: string;
    bodyHtml: string;
  },
) {
  const [created] = await db.insert(replies).values(params).returning();
  if (!created) throw new Error('insert into replies returned no row');
  return created;
}

/** A reply as its own table stores it (what `insertReply` and `updateReplyBody` return). */
export type ReplyRecord = Awaited<ReturnType<typeof insertReply>>;

/**
 * A reply locked (`FOR UPDATE`) until the transaction ends, with whether the post its thread hangs from
 * is hidden (`replyPostHidden`); undefined when it does not exist.
 */
export async function lockReply(db: Executor, id: number) {
  const [found] = await db
    .select({ reply: replies, hidden: postHidden() })
    .from(replies)
    .where(eq(replies.id, id))
    .for('update');
  return found;
}

/** Replaces a reply's body and its rendering; returns the new row, or undefined when it is gone. */
export async function updateReplyBody(
  db: Executor,
  params: { id: number; body: string; bodyHtml: string; at: Date },
): Promise<ReplyRecord | undefined> {
  const [updated] = await db
    .update(replies)
    .set({ body: params.body, bodyHtml: params.bodyHtml, updatedAt: params.at })
    .where(eq(replies.id, params.id))
    .returning();
  return updated;
}

/** Turns a reply into a tombstone: it keeps its place (and its children theirs), its body is hidden. */
export async function markReplyDeleted(db: Executor, params: { id: number; at: Date }): Promise<void> {
  await db.update(replies).set({ deletedAt: params.at }).where(eq(replies.id, params.id));
}
