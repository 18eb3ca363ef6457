import { and, desc, eq, inArray, isNull, lt, ne, or, type Placeholder, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import {
  answers,
  bookmarks,
  questions,
  questionTags,
  questionWatches,
  tags,
  tagWatches,
  users,
} from '../schema';

/** A user and a question they watch (or stop watching). */
export type QuestionWatch = { userId: number; questionId: number };

/**
 * Makes `userId` watch the tag `slug`; false when no such tag exists. Idempotent (`ON CONFLICT DO
 * NOTHING` on the primary key).
 */
export async function insertTagWatch(
  db: Executor,
  params: { userId: number; slug: string },
): Promise<boolean> {
  const [tag] = await db.select({ id: tags.id }).from(tags).where(eq(tags.slug, params.slug));
  if (!tag) return false;
  await db.insert(tagWatches).values({ userId: params.userId, tagId: tag.id }).onConflictDoNothing();
  return true;
}

/** Stops `userId` watching the tag `slug` (nothing when they did not). */
export async function deleteTagWatch(db: Executor, params: { userId: number; slug: string }): Promise<void> {
  await db
    .delete(tagWatches)
    .where(
      and(
        eq(tagWatches.userId, params.userId),
        inArray(tagWatches.tagId, db.select({ id: tags.id }).from(tags).where(eq(tags.slug, params.slug))),
      ),
    );
}

/** Makes a user watch a question; idempotent. */
export async function insertQuestionWatch(db: Executor, watch: QuestionWatch): Promise<void> {
  await insertQuestionWatchQuery(db, watch);
}

/**
 * The statement of `insertQuestionWatch`. Exported so the bench's bare twin sends the very statement
 * (bench/write-twins.ts).
 */
export function insertQuestionWatchQuery(
  db: Executor,
  watch: { userId: number | Placeholder; questionId: number | Placeholder },
) {
  return db.insert(questionWatches).values(watch).onConflictDoNothing();
}

/** Stops a user watching a question (nothing when they did not). */
export async function deleteQuestionWatch(db: Executor, watch: QuestionWatch): Promise<void> {
  await db
    .delete(questionWatches)
    .where(and(eq(questionWatches.userId, watch.userId), eq(questionWatches.questionId, watch.questionId)));
}

/** The tags `userId` watches, newest watched first, at most `limit` (the `tag_watches` primary key). */
export async function listWatchedTags(db: Executor, params: { userId: number; limit: number }) {
  return db
    .select({ slug: tags.slug, watchedAt: tagWatches.createdAt })
    .from(tagWatches)
    .innerJoin(tags, eq(tags.id, tagWatches.tagId))
    .where(eq(tagWatches.userId, params.userId))
    .orderBy(desc(tagWatches.createdAt), desc(tags.id))
    .limit(params.limit);
}

/** The live questions `userId` watches, newest watched first, at most `limit`. */
export async function listWatchedQuestions(db: Executor, params: { userId: number; limit: number }) {
  return db
    .select({ id: questions.id, title: questions.title, watchedAt: questionWatches.createdAt })
    .from(questionWatches)
    .innerJoin(questions, eq(questions.id, questionWatches.questionId))
    .where(and(eq(questionWatches.userId, params.userId), isNull(questions.deletedAt)))
    .orderBy(desc(questionWatches.createdAt), desc(questions.id))
    .limit(params.limit);
}

/** Who watches the question `questionId`, except `exceptUserId` (`question_watches_question_idx`). */
export async function questionWatchers(
  db: Executor,
  params: { questionId: number; exceptUserId: number },
): Promise<number[]> {
  const rows = await questionWatchersQuery(db, params);
  return rows.map((row) => row.userId);
}

/**
 * The statement of `questionWatchers`. Exported so the bench's bare twin sends the very statement
 * (bench/write-twins.ts).
 */
export function questionWatchersQuery(
  db: Executor,
  params: { questionId: number | Placeholder; exceptUserId: number | Placeholder },
) {
  return db
    .select({ userId: questionWatches.userId })
    .from(questionWatches)
    .where(
      and(eq(questionWatches.questionId, params.questionId), ne(questionWatches.userId, params.exceptUserId)),
    );
}

/**
 * Who watches at least one tag of the question `questionId`, each once, except `exceptUserId`
 * (`question_tags` primary key, then `tag_watches_tag_idx`).
 */
export async function tagWatchersOfQuestion(
  db: Executor,
  params: { questionId: number; exceptUserId: number },
): Promise<number[]> {
  const rows = await db
    .selectDistinct({ userId: tagWatches.userId })
    .from(questionTags)
    .innerJoin(tagWatches, eq(tagWatches.tagId, questionTags.tagId))
    .where(and(eq(questionTags.questionId, params.questionId), ne(tagWatches.userId, params.exceptUserId)));
  return rows.map((row) => row.userId);
}

/** A user, a post, and whether it is a question or an answer: one bookmark. */
export type BookmarkKey = { userId: number; targetType: 'question' | 'answer'; targetId: number };

/** Saves a post for a user; idempotent (`bookmarks_target_idx`). */
export async function insertBookmark(db: Executor, key: BookmarkKey): Promise<void> {
  await db.insert(bookmarks).values(key).onConflictDoNothing();
}

/** Removes a user's bookmark of a post; false when they had none. */
export async function deleteBookmark(db: Executor, key: BookmarkKey): Promise<boolean> {
  const deleted = await db
    .delete(bookmarks)
    .where(
      and(
        eq(bookmarks.userId, key.userId),
        eq(bookmarks.targetType, key.targetType),
        eq(bookmarks.targetId, key.targetId),
      ),
    )
    .returning({ id: bookmarks.id });
  return deleted.length > 0;
}

/** Where the next page of bookmarks starts: the last row's save time and bookmark id. */
export type BookmarkCursor = { savedAt: string; id: number };

/**
 * One page of `userId`'s bookmarks of live posts, newest saved first (keyset on (created_at, id) through
 * `bookmarks_user_idx`), with the post, its question's title and its author; `limit` rows. Bookmarks of
 * deleted posts (or answers of deleted questions) stay stored but are not listed.
 */
export async function listBookmarkRows(
  db: Executor,
  params: { userId: number; cursor: BookmarkCursor | null; limit: number },
) {
  const { userId, cursor, limit } = params;
  const after = cursor
    ? or(
        lt(bookmarks.createdAt, sql`${cursor.savedAt}::timestamptz`),
        and(eq(bookmarks.createdAt, sql`${cursor.savedAt}::timestamptz`), lt(bookmarks.id, cursor.id)),
      )
    : undefined;
  return db
    .select({
      id: bookmarks.id,
      targetType: bookmarks.targetType,
      targetId: bookmarks.targetId,
      savedAt: bookmarks.createdAt,
      questionId: questions.id,
      title: questions.title,
      bodyHead: sql<string>`left(coalesce(${answers.bodyHtml}, ${questions.bodyHtml}), 2000)`,
      score: sql<number>`coalesce(${answers.score}, ${questions.score})`,
      createdAt: sql<Date>`coalesce(${answers.createdAt}, ${questions.createdAt})`.mapWith(
        (value: Date | string) => (value instanceof Date ? value : new Date(value)),
      ),
      author: {
        id: users.id,
        username: users.username,
        displayName: users.displayName,
        avatarUrl: users.avatarUrl,
      },
    })
    .from(bookmarks)
    .leftJoin(answers, and(eq(bookmarks.targetType, 'answer'), eq(answers.id, bookmarks.targetId)))
    .innerJoin(
      questions,
      eq(
        questions.id,
        sql`case when ${bookmarks.targetType} = 'answer' then ${answers.questionId} else ${bookmarks.targetId} end`,
      ),
    )
    .innerJoin(users, eq(users.id, sql`coalesce(${answers.authorId}, ${questions.authorId})`))
    .where(and(eq(bookmarks.userId, userId), isNull(questions.deletedAt), isNull(answers.deletedAt), after))
    .orderBy(desc(bookmarks.createdAt), desc(bookmarks.id))
    .limit(limit);
}

/** Which of `targetIds` (all of one type) `userId` has saved. */
export async function bookmarkedAmong(
  db: Executor,
  params: { userId: number; targetType: 'question' | 'answer'; targetIds: number[] },
): Promise<Set<number>> {
  if (params.targetIds.length === 0) return new Set();
  const rows = await db
    .select({ id: bookmarks.targetId })
    .from(bookmarks)
    .where(
      and(
        eq(bookmarks.userId, params.userId),
        eq(bookmarks.targetType, params.targetType),
        inArray(bookmarks.targetId, params.targetIds),
      ),
    );
  return new Set(rows.map((row) => row.id));
}

/** Whether `userId` watches the question `questionId`. */
export async function isWatchingQuestion(db: Executor, watch: QuestionWatch): Promise<boolean> {
  const [row] = await db
    .select({ id: questionWatches.questionId })
    .from(questionWatches)
    .where(and(eq(questionWatches.userId, watch.userId), eq(questionWatches.questionId, watch.questionId)));
  return row !== undefined;
}
