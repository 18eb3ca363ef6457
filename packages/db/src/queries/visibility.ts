import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';

/**
 * THE visibility rule of posts (questions, answers, replies): a post is live — shown to everyone — when it
 * is neither deleted by its author or a moderator (`deleted_at`) nor hidden pending review because enough
 * users flagged it as spam or rude (`hidden_at`). Every read that lists, searches, counts or links to posts
 * (byId, lists, search, similar, feed, notifications, threads) filters or marks posts with this one
 * predicate, so a new way to take a post out of sight changes this function and nothing else. Moderators'
 * reads skip the filter and show `deleted` / `hidden` marks instead. Other domains (bookmarks, live
 * events) must use it too.
 */
export function livePost(post: { deletedAt: SQLWrapper; hiddenAt: SQLWrapper }): SQL<boolean> {
  return sql<boolean>`(${post.deletedAt} is null and ${post.hiddenAt} is null)`;
}

/** `livePost` for a table under a raw-SQL alias (`liveAlias('q')` → `(q.deleted_at is null and q.hidden_at is null)`). */
export function liveAlias(alias: string): SQL<boolean> {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`not an SQL alias: ${alias}`);
  return livePost({ deletedAt: sql.raw(`${alias}.deleted_at`), hiddenAt: sql.raw(`${alias}.hidden_at`) });
}
