import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import type { DbNumber, DbTime } from './rows';

/** Where a reply thread hangs from. */
export type ReplyTargetType = 'question' | 'answer';

/** What `loadThread` needs: the thread, an optional subtree root, the bounds, and who is looking. */
export type LoadThreadParams = {
  targetType: ReplyTargetType;
  targetId: number;
  /** Load only the subtree under (and including) this reply; null loads the whole thread. */
  rootId: number | null;
  /** Levels to return, counting the roots as level 1. */
  maxDepth: number;
  /** Node cap of one response; one more row is fetched to tell whether the cap cut anything. */
  maxNodes: number;
  /** Whose reaction fills `myReaction`; null for anonymous readers. */
  viewerId: number | null;
};

/** One row of `loadThread`, in depth-first order. `id` is null only on the target-only row of an empty result. */
export type ThreadRow = {
  /** 'live', 'deleted', or null when the target does not exist. */
  target_state: 'live' | 'deleted' | null;
  id: DbNumber | null;
  parent_id: DbNumber | null;
  depth: number;
  lvl: number;
  total: DbNumber | null;
  body: string;
  body_html: string;
  likes: number;
  dislikes: number;
  score: number;
  created_at: DbTime;
  updated_at: DbTime;
  deleted_at: DbTime | null;
  author_id: DbNumber;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
  my_reaction: number | null;
  more_replies: boolean;
};

/**
 * Loads a reply thread (or the subtree under `rootId`) in ONE statement, depth-first.
 *
 * - `tree` is a recursive CTE scoped to the thread: its anchor reads the thread's top-level replies through
 *   `replies_thread_idx (target_type, target_id, parent_id)` (or the root by primary key), and each level
 *   probes `replies_parent_idx (parent_id)` once per parent. The children are read in a `LATERAL` subquery
 *   fenced with `OFFSET 0`, so the planner cannot flatten it into a hash or merge join that rescans the
 *   thread on every level (quadratic on deep chains, PITFALLS.md): the plan is a nested loop over an index
 *   scan, linear in the number of replies. JIT is off on every connection (`client.ts`).
 * - `path` (ids from the root) orders the rows depth-first with siblings oldest first, so the caller
 *   builds the tree in one linear pass. Recursion stops at `maxDepth`; `total` counts what matched
 *   before the node cap, and `more_replies` tells, on the last level, whether deeper replies were cut
 *   (one `replies_parent_idx` probe per last-level node, under a CASE so other rows skip it).
 * - Bodies, authors and the viewer's reaction are joined only for the page (`maxNodes + 1` rows).
 * - The target's state rides along on a row that exists even when the thread is empty, so the caller
 *   tells "no replies" from "no such post" without a second query.
 */
export async function loadThread(db: Executor, params: LoadThreadParams): Promise<ThreadRow[]> {
  const { targetType, targetId, rootId, maxDepth, maxNodes, viewerId } = params;
  const anchor =
    rootId === null
      ? sql`r.target_type = ${targetType} and r.target_id = ${targetId} and r.parent_id is null`
      : sql`r.target_type = ${targetType} and r.target_id = ${targetId} and r.id = ${rootId}`;
  const targetState =
    targetType === 'question'
      ? sql`select case when q.deleted_at is null then 'live' else 'deleted' end as target_state
            from questions q where q.id = ${targetId}`
      : sql`select case when a.deleted_at is null and q.deleted_at is null then 'live' else 'deleted' end as target_state
            from answers a join questions q on q.id = a.question_id where a.id = ${targetId}`;
  return queryRows<ThreadRow>(
    db,
    sql`
      with recursive tree (id, lvl, path) as (
        select r.id, 1, array[r.id]
        from replies r
        where ${anchor}
        union all
        select c.id, t.lvl + 1, t.path || c.id
        from tree t
        cross join lateral (
          select k.id from replies k where k.parent_id = t.id offset 0
        ) c
        where t.lvl < ${maxDepth}
      ),
      page as (
        select id, lvl, path, count(*) over () as total
        from tree
        order by path
        limit ${maxNodes + 1}
      )
      select
        tgt.target_state, p.id, r.parent_id, r.depth, p.lvl, p.total::int as total,
        r.body, r.body_html, r.likes, r.dislikes, r.score, r.created_at, r.updated_at, r.deleted_at,
        r.author_id, u.username, u.display_name, u.avatar_url,
        rx.value as my_reaction,
        case when p.lvl = ${maxDepth}
          then coalesce((select true from replies m where m.parent_id = p.id limit 1), false)
          else false end as more_replies
      from (select (${targetState}) as target_state) tgt
      left join (
        page p
        join replies r on r.id = p.id
        join users u on u.id = r.author_id
        left join reactions rx
          on rx.user_id = ${viewerId ?? 0} and rx.target_type = 'reply' and rx.target_id = p.id
      ) on true
      order by p.path
    `,
  );
}
