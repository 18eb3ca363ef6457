import {
  and,
  asc,
  count,
  countDistinct,
  desc,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  type Placeholder,
  type SQL,
  sql,
} from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import {
  answers,
  closeVotes,
  flags,
  questions,
  replies,
  reviewItems,
  suggestedEdits,
  users,
} from '../schema';
import { authorColumns, type Bindable, type DbNumber, type DbTime } from './rows';
import { liveAlias } from './visibility';

/** A kind of post that can be flagged and reviewed. */
export type ModeratedPostType = 'question' | 'answer' | 'reply';

/** Flag reasons as stored. */
export type FlagReason = typeof flags.$inferSelect.reason;

/** Review queues as stored. */
export type ReviewQueue = typeof reviewItems.$inferSelect.queue;

/** Close reasons as stored. */
export type CloseReason = NonNullable<typeof questions.$inferSelect.closeReason>;

// ---------------------------------------------------------------------------------------------------
// Flags

/**
 * Inserts an open flag; undefined when the user already has an open flag on this post (the partial unique
 * index `flags_open_user_idx` decides, so two concurrent calls cannot both insert).
 */
export async function insertFlag(
  db: Executor,
  values: {
    targetType: ModeratedPostType;
    targetId: number;
    userId: number;
    reason: FlagReason;
    note: string | null;
    createdAt: Date;
  },
) {
  const [row] = await db.insert(flags).values(values).onConflictDoNothing().returning();
  return row;
}

/** How many distinct users have an open spam or rude flag on the post (what hides it). */
export async function countHidingFlaggers(
  db: Executor,
  params: { targetType: ModeratedPostType; targetId: number },
): Promise<number> {
  const [row] = await db
    .select({ n: countDistinct(flags.userId) })
    .from(flags)
    .where(
      and(
        eq(flags.targetType, params.targetType),
        eq(flags.targetId, params.targetId),
        eq(flags.status, 'open'),
        inArray(flags.reason, ['spam', 'rude']),
      ),
    );
  return Number(row?.n ?? 0);
}

const postTables = { question: questions, answer: answers, reply: replies } as const;

/**
 * Hides a post pending review (`hiddenAt` = `at`) unless it is hidden already; true when this call hid it
 * (so concurrent callers hide it exactly once), or clears the mark (`at` null; true when it was hidden).
 */
export async function setPostHidden(
  db: Executor,
  params: { type: ModeratedPostType; id: number; at: Date | null },
): Promise<boolean> {
  const table = postTables[params.type];
  const rows = await db
    .update(table)
    .set({ hiddenAt: params.at })
    .where(
      and(eq(table.id, params.id), params.at === null ? isNotNull(table.hiddenAt) : isNull(table.hiddenAt)),
    )
    .returning({ id: table.id });
  return rows.length > 0;
}

/**
 * Closes the open flags on a post as `upheld` or `dismissed`; returns the flaggers whose flags were
 * upheld.
 */
export async function resolveFlags(
  db: Executor,
  params: { targetType: ModeratedPostType; targetId: number; status: 'upheld' | 'dismissed'; at: Date },
): Promise<number[]> {
  const rows = await db
    .update(flags)
    .set({ status: params.status, resolvedAt: params.at })
    .where(
      and(
        eq(flags.targetType, params.targetType),
        eq(flags.targetId, params.targetId),
        eq(flags.status, 'open'),
      ),
    )
    .returning({ userId: flags.userId });
  return rows.map((row) => row.userId);
}

/** How many of `userId`'s flags were upheld. */
export async function upheldFlagCount(db: Executor, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(flags)
    .where(and(eq(flags.userId, userId), eq(flags.status, 'upheld')));
  return Number(row?.n ?? 0);
}

/** The flags raised on a post since `since` (the review item's creation), with their reasons and notes. */
export async function flagsOnPost(
  db: Executor,
  params: { targetType: ModeratedPostType; targetId: number; since: Date },
) {
  return db
    .select({ reason: flags.reason, note: flags.note, status: flags.status })
    .from(flags)
    .where(
      and(
        eq(flags.targetType, params.targetType),
        eq(flags.targetId, params.targetId),
        sql`${flags.createdAt} >= ${params.since.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(flags.id));
}

// ---------------------------------------------------------------------------------------------------
// The review queue

/**
 * Opens a review item unless an open one exists for this queue and post (and suggestion), decided by the
 * partial unique index `review_items_open_idx`; returns the new item's id or undefined.
 */
export async function openReviewItem(
  db: Executor,
  values: {
    queue: ReviewQueue;
    targetType: ModeratedPostType;
    targetId: number;
    suggestedEditId?: number | null;
    createdAt: Date;
  },
): Promise<number | undefined> {
  const [row] = await openReviewItemQuery(db, values);
  return row?.id;
}

/**
 * The statement of `openReviewItem`. Exported so the bench's bare twin sends the very statement
 * (bench/write-twins.ts).
 */
export function openReviewItemQuery(
  db: Executor,
  values: Bindable<{
    queue: ReviewQueue;
    targetType: ModeratedPostType;
    targetId: number;
    suggestedEditId?: number | null;
    createdAt: Date;
  }>,
) {
  return db.insert(reviewItems).values(values).onConflictDoNothing().returning({ id: reviewItems.id });
}

const reviewItemColumns = {
  id: reviewItems.id,
  queue: reviewItems.queue,
  targetType: reviewItems.targetType,
  targetId: reviewItems.targetId,
  suggestedEditId: reviewItems.suggestedEditId,
  action: reviewItems.action,
  resolvedAt: reviewItems.resolvedAt,
  createdAt: reviewItems.createdAt,
  resolvedBy: {
    id: users.id,
    username: users.username,
    displayName: users.displayName,
    avatarUrl: users.avatarUrl,
  },
};

/**
 * A page of review items: open ones oldest first (`review_items_queue_idx`), or decided ones newest first;
 * keyset on id after `afterId`. `queue` null reads every queue.
 */
export async function listReviewItems(
  db: Executor,
  params: { queue: ReviewQueue | null; resolved: boolean; afterId: number | null; limit: number },
) {
  const { afterId } = params;
  return db
    .select(reviewItemColumns)
    .from(reviewItems)
    .leftJoin(users, eq(users.id, reviewItems.resolvedById))
    .where(
      and(
        params.queue ? eq(reviewItems.queue, params.queue) : undefined,
        params.resolved ? isNotNull(reviewItems.resolvedAt) : isNull(reviewItems.resolvedAt),
        afterId === null
          ? undefined
          : params.resolved
            ? lt(reviewItems.id, afterId)
            : gt(reviewItems.id, afterId),
      ),
    )
    .orderBy(params.resolved ? desc(reviewItems.id) : asc(reviewItems.id))
    .limit(params.limit);
}

/** One review item as `listReviewItems` returns it. */
export type ReviewItemRow = Awaited<ReturnType<typeof listReviewItems>>[number];

/** One review item by id, locked (`FOR UPDATE OF review_items`) when asked; undefined when missing. */
export async function findReviewItem(db: Executor, params: { id: number; lock: boolean }) {
  const query = db
    .select(reviewItemColumns)
    .from(reviewItems)
    .leftJoin(users, eq(users.id, reviewItems.resolvedById))
    .where(eq(reviewItems.id, params.id));
  const [row] = params.lock ? await query.for('update', { of: reviewItems }) : await query;
  return row;
}

/** Records a decision on an open item: what, who, when. False when it was decided already. */
export async function resolveReviewItem(
  db: Executor,
  params: { id: number; action: string; byId: number; at: Date },
): Promise<boolean> {
  const rows = await db
    .update(reviewItems)
    .set({ action: params.action, resolvedById: params.byId, resolvedAt: params.at })
    .where(and(eq(reviewItems.id, params.id), isNull(reviewItems.resolvedAt)))
    .returning({ id: reviewItems.id });
  return rows.length > 0;
}

/** Decides every open item of a queue on a post at once (e.g. the close-votes item once the question closed). */
export async function resolveOpenItemsOf(
  db: Executor,
  params: {
    queue: ReviewQueue;
    targetType: ModeratedPostType;
    targetId: number;
    action: string;
    byId: number;
    at: Date;
  },
): Promise<void> {
  await db
    .update(reviewItems)
    .set({ action: params.action, resolvedById: params.byId, resolvedAt: params.at })
    .where(
      and(
        eq(reviewItems.queue, params.queue),
        eq(reviewItems.targetType, params.targetType),
        eq(reviewItems.targetId, params.targetId),
        isNull(reviewItems.resolvedAt),
      ),
    );
}

/** What a reviewer sees of a post: its text, author, question and state, whatever its visibility. */
export type ReviewPostRow = {
  body: string;
  question_id: DbNumber | null;
  title: string | null;
  deleted: boolean;
  hidden: boolean;
  closed: boolean;
  author_id: DbNumber | null;
  username: string | null;
  display_name: string | null;
  avatar_url: string | null;
};

/** The post a review item is about (any state), or undefined when it is gone. Primary-key probes only. */
export async function findReviewPost(
  db: Executor,
  params: { type: ModeratedPostType; id: number },
): Promise<ReviewPostRow | undefined> {
  const { type, id } = params;
  const post =
    type === 'question'
      ? sql`select q.body, q.id as question_id, q.title, q.deleted_at is not null as deleted,
              q.hidden_at is not null as hidden, q.closed_at is not null as closed, q.author_id
            from questions q where q.id = ${id}`
      : type === 'answer'
        ? sql`select a.body, a.question_id, q.title, a.deleted_at is not null as deleted,
                a.hidden_at is not null as hidden, q.closed_at is not null as closed, a.author_id
              from answers a join questions q on q.id = a.question_id where a.id = ${id}`
        : sql`select r.body, coalesce(q.id, aq.id) as question_id, coalesce(q.title, aq.title) as title,
                r.deleted_at is not null as deleted, r.hidden_at is not null as hidden, false as closed, r.author_id
              from replies r
              left join questions q on r.target_type = 'question' and q.id = r.target_id
              left join answers a on r.target_type = 'answer' and a.id = r.target_id
              left join questions aq on aq.id = a.question_id
              where r.id = ${id}`;
  const [row] = await queryRows<ReviewPostRow>(
    db,
    sql`select p.*, u.username, u.display_name, u.avatar_url from (${post}) p left join users u on u.id = p.author_id`,
  );
  return row;
}

/** True when the user has exactly one post (question or answer): the one just written is their first. */
export async function isFirstPost(db: Executor, userId: number): Promise<boolean> {
  const [row] = await queryRows<{ n: DbNumber }>(db, isFirstPostQuery(userId));
  return Number(row?.n ?? 0) === 1;
}

/**
 * The statement of `isFirstPost`: one column, the user's number of posts. Exported so the bench's bare
 * twin sends the very statement (bench/write-twins.ts).
 */
export function isFirstPostQuery(userId: number | Placeholder): SQL {
  return sql`select (select count(*) from questions where author_id = ${userId})
             + (select count(*) from answers where author_id = ${userId}) as n`;
}

// ---------------------------------------------------------------------------------------------------
// Closing and reopening

/** Marks a user's and everyone's votes on a question older than `before` as expired. */
export async function expireCloseVotes(
  db: Executor,
  params: { questionId: number; before: Date },
): Promise<void> {
  await db
    .update(closeVotes)
    .set({ state: 'expired' })
    .where(
      and(
        eq(closeVotes.questionId, params.questionId),
        eq(closeVotes.state, 'active'),
        lte(closeVotes.createdAt, params.before),
      ),
    );
}

/** Casts a vote; undefined when the user already has an active vote of this kind (`close_votes_active_idx`). */
export async function insertCloseVote(
  db: Executor,
  values: {
    questionId: number;
    userId: number;
    kind: 'close' | 'reopen';
    reason: CloseReason | null;
    duplicateOfId: number | null;
    createdAt: Date;
  },
) {
  const [row] = await db
    .insert(closeVotes)
    .values(values)
    .onConflictDoNothing()
    .returning({ id: closeVotes.id });
  return row;
}

/** The active votes of a kind on a question, oldest first. */
export async function activeCloseVotes(
  db: Executor,
  params: { questionId: number; kind: 'close' | 'reopen' },
) {
  return db
    .select({
      userId: closeVotes.userId,
      reason: closeVotes.reason,
      duplicateOfId: closeVotes.duplicateOfId,
      createdAt: closeVotes.createdAt,
    })
    .from(closeVotes)
    .where(
      and(
        eq(closeVotes.questionId, params.questionId),
        eq(closeVotes.kind, params.kind),
        eq(closeVotes.state, 'active'),
      ),
    )
    .orderBy(asc(closeVotes.id));
}

/** Ends the active votes of a kind on a question: `spent` (they took effect) or `dismissed`. */
export async function endCloseVotes(
  db: Executor,
  params: { questionId: number; kind: 'close' | 'reopen'; state: 'spent' | 'dismissed' },
): Promise<void> {
  await db
    .update(closeVotes)
    .set({ state: params.state })
    .where(
      and(
        eq(closeVotes.questionId, params.questionId),
        eq(closeVotes.kind, params.kind),
        eq(closeVotes.state, 'active'),
      ),
    );
}

/** Closes a question (reason, original of a duplicate, who and when) or reopens it (`closure` null). */
export async function setQuestionClosure(
  db: Executor,
  params: {
    id: number;
    closure: { at: Date; reason: CloseReason; byId: number; duplicateOfId: number | null } | null;
  },
): Promise<void> {
  const { closure } = params;
  await db
    .update(questions)
    .set({
      closedAt: closure?.at ?? null,
      closeReason: closure?.reason ?? null,
      closedById: closure?.byId ?? null,
      duplicateOfId: closure?.duplicateOfId ?? null,
    })
    .where(eq(questions.id, params.id));
}

// ---------------------------------------------------------------------------------------------------
// Similar questions

/** One question similar to a title. */
export type SimilarQuestionRow = {
  id: DbNumber;
  title: string;
  answer_count: number;
  score: number;
  accepted_answer_id: DbNumber | null;
  closed_at: DbTime | null;
};

/**
 * Up to `limit` live questions whose title or body shares words with `title`, most similar first. The
 * title's words (stemmed, stop words dropped by `plainto_tsquery`) are OR-ed — a title being typed
 * matches on any of its words — and answered by the GIN index `questions_search_idx`; ranked like
 * `question.search` (`packages/db/src/queries/question-search.ts`): title matches above body-only ones, then
 * `ts_rank_cd`, then newest. Text without searchable words matches nothing.
 */
export async function similarQuestions(
  db: Executor,
  params: { title: string; limit: number },
): Promise<SimilarQuestionRow[]> {
  return queryRows<SimilarQuestionRow>(
    db,
    sql`select q.id, q.title, q.answer_count, q.score, q.accepted_answer_id, q.closed_at
        from questions q,
          to_tsquery('english', replace(plainto_tsquery('english', ${params.title})::text, ' & ', ' | ')) query
        where numnode(query) > 0 and q.search_vector @@ query and ${liveAlias('q')}
        order by (case when ts_filter(q.search_vector, '{a}') @@ query then 1 else 0 end)
                 + ts_rank_cd(q.search_vector, query, 32) desc, q.id desc
        limit ${params.limit}`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Suggested edits

/** Saves a suggested edit; returns its row. */
export async function insertSuggestedEdit(db: Executor, values: typeof suggestedEdits.$inferInsert) {
  const [row] = await db.insert(suggestedEdits).values(values).returning();
  if (!row) throw new Error('insert into suggested_edits returned no row');
  return row;
}

/** A suggested edit with its author, locked when asked; undefined when missing. */
export async function findSuggestedEdit(db: Executor, params: { id: number; lock: boolean }) {
  const query = db
    .select({ edit: suggestedEdits, author: authorColumns })
    .from(suggestedEdits)
    .innerJoin(users, eq(users.id, suggestedEdits.authorId))
    .where(eq(suggestedEdits.id, params.id));
  const [row] = params.lock ? await query.for('update', { of: suggestedEdits }) : await query;
  return row;
}

/** Marks a suggested edit approved or rejected. */
export async function setSuggestedEditState(
  db: Executor,
  params: { id: number; state: 'approved' | 'rejected' },
): Promise<void> {
  await db.update(suggestedEdits).set({ state: params.state }).where(eq(suggestedEdits.id, params.id));
}
