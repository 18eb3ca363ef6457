import { eq, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import { replies } from '../schema';
import { replyPostHidden } from './post';
import type { DbNumber, DbTime } from './rows';
import { liveAlias } from './visibility';

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
  /** Node cap of one response: the walk stops once it holds this many replies. */
  maxNodes: number;
  /** Whose reaction fills `myReaction`; null for anonymous readers. */
  viewerId: number | null;
};

/**
 * One row of `loadThread`, level by level (`lvl`, then `id`). `id` is null only on the target-only row of
 * an empty result; `target_state`, `total` and `roots` are the same on every row.
 */
export type ThreadRow = {
  /** 'live', 'deleted', or null when the target does not exist. */
  target_state: 'live' | 'deleted' | null;
  /** Replies under the target at any depth, tombstones included (whatever `rootId` and `maxDepth`). */
  total: DbNumber;
  /** Top-level replies under the target (level 1 of a whole-thread request). */
  roots: DbNumber;
  id: DbNumber | null;
  parent_id: DbNumber | null;
  depth: number;
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
   * On the last two returned levels: the id of this reply's newest child (null: no child). Children join
   * the page oldest first, so the reply has children left out exactly when that id is not in the page.
   * Null on the levels above, which are complete.
   */
  last_child: DbNumber | null;
};

/**
 * Loads the first `maxNodes` replies of a thread (or of the subtree under `rootId`) BREADTH-FIRST, in ONE
 * statement: every level-1 reply, then level 2, … until the cap, which may cut a level part-way.
 *
 * - `tree` is a recursive CTE scoped to the thread. Its anchor reads at most `maxNodes` top-level
 *   replies, oldest first, straight from `replies_thread_idx (target_type, target_id, parent_id, id)`
 *   (ordering by `parent_id, id` — all null — lets the planner see that the index is in that order, so
 *   it stops after `maxNodes` entries instead of sorting a huge flat thread), or the root by primary key.
 *   Each level probes `replies_parent_idx (parent_id, id)` once per parent, children oldest first
 *   straight from the index. The children are read in a `LATERAL` subquery fenced with `OFFSET 0`, so
 *   the planner cannot flatten it into a hash or merge join that rescans the thread on every level
 *   (quadratic on deep chains; packages/api/src/domains/reply/reply.test.ts reads a 10,000-deep chain to keep
 *   it from coming back): the plan is a nested loop over an index scan. JIT is off on
 *   every connection (`client.ts`).
 * - `page` reads `tree` with `LIMIT maxNodes` and NO `ORDER BY`. PostgreSQL evaluates a recursive CTE
 *   lazily, one level after the other (each level in the order of the level above, children by id), so
 *   the recursion stops as soon as the page is full: the cost follows the page, not the thread. The page
 *   is thus the first `maxNodes` replies ordered by (level, path of ids from the root).
 * - Only nodes on the last two returned levels can miss children (the levels above are complete), so
 *   only they are probed: `last_child` is one backward `replies_parent_idx` probe for the newest child.
 *   A parent's children join the page together, oldest first, so they are all there exactly when that
 *   child is; the caller checks it against the rows (a join to the page here would be planned as a
 *   quadratic nested loop once the prepared statement goes generic — estimated 6 page rows for 10,000).
 *   `total` and `roots` count the target's replies over `replies_thread_idx`.
 * - Rows come out by (`lvl`, `id`): every parent before its children, siblings oldest first, so the
 *   caller nests them in one linear pass. Bodies, authors and the viewer's reaction are joined for the
 *   page only. The target's state rides along on a row that exists even when the thread is empty, so the
 *   caller tells "no replies" from "no such post" without a second query.
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
  const { targetType, targetId, rootId, maxDepth, maxNodes, viewerId } = params;
  const anchor =
    rootId === null
      ? sql`r.target_type = ${targetType} and r.target_id = ${targetId} and r.parent_id is null`
      : sql`r.target_type = ${targetType} and r.target_id = ${targetId} and r.id = ${rootId}`;
  return sql`
      with recursive tree (id, parent_id, lvl) as (
        (select r.id, r.parent_id, 1
         from replies r
         where ${anchor}
         order by r.parent_id, r.id
         limit ${maxNodes})
        union all
        select c.id, t.id, t.lvl + 1
        from tree t
        cross join lateral (
          select k.id from replies k where k.parent_id = t.id order by k.id offset 0
        ) c
        where t.lvl < ${maxDepth}
      ),
      page as (
        select id, parent_id, lvl from tree limit ${maxNodes}
      )
      select
        tgt.target_state, sc.total, sc.roots, p.id, r.parent_id, r.depth, p.lvl,
        r.body, r.body_html, r.likes, r.dislikes, r.score, r.created_at, r.updated_at, r.deleted_at, r.hidden_at,
        r.author_id, u.username, u.display_name, u.avatar_url,
        rx.value as my_reaction,
        case when p.lvl >= (select max(lvl) from page) - 1
          then (select max(m.id) from replies m where m.parent_id = p.id) end as last_child
      from (select (${threadTargetState(targetType, targetId)}) as target_state) tgt
      cross join (
        select count(*) as total, count(*) filter (where s.parent_id is null) as roots
        from replies s where s.target_type = ${targetType} and s.target_id = ${targetId}
      ) sc
      left join (
        page p
        join replies r on r.id = p.id
        join users u on u.id = r.author_id
        left join reactions rx
          on rx.user_id = ${viewerId ?? 0} and rx.target_type = 'reply' and rx.target_id = p.id
      ) on true
      order by p.lvl, p.id
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
