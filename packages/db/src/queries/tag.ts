import { and, asc, desc, eq, gt, inArray, like, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { Database, Executor } from '../client';
import { questionTags, tags } from '../schema';
import { perDatabase } from './prepared';

/** The columns of a (question id, slug) pair (exported for the bench's bare twin, bench/queries.ts). */
export const tagPairColumns = { questionId: questionTags.questionId, slug: tags.slug };

/** The one select of "tags of questions": (question id, slug) pairs, alphabetical by slug. */
function tagPairs(db: Executor, where: SQL) {
  return db
    .select(tagPairColumns)
    .from(questionTags)
    .innerJoin(tags, eq(tags.id, questionTags.tagId))
    .where(where)
    .orderBy(asc(tags.slug));
}

/** One (question id, slug) pair of `tagsOfQuestions`. */
export type QuestionTagRow = Awaited<ReturnType<typeof tagPairs>>[number];

/** The tags of each of `questionIds`, alphabetical, in one query over the `question_tags` primary key. */
export async function tagsOfQuestions(db: Executor, questionIds: number[]): Promise<QuestionTagRow[]> {
  if (questionIds.length === 0) return [];
  return tagsOfQuestionsQuery(db, questionIds);
}

/**
 * The statement of `tagsOfQuestions`: the ids travel as one array parameter (`= any($1::bigint[])`), so
 * every page sends the same text, whatever its length, and the prepared form serves them all. Ids or a
 * placeholder; exported for the bench's bare twin (bench/queries.ts).
 */
export function tagsOfQuestionsQuery(db: Executor, questionIds: readonly number[] | Placeholder) {
  return tagPairs(db, sql`${questionTags.questionId} = any(${sql.param(questionIds)}::bigint[])`);
}

/** The prepared form of `tagsOfQuestions`, built once per database handle. */
const tagsOfQuestionsStatement = perDatabase((db) =>
  tagsOfQuestionsQuery(db, sql.placeholder('ids')).prepare('tags_of_questions'),
);

/**
 * `tagsOfQuestions` through a prepared statement (list pages, search and feed reads): Drizzle neither
 * rebuilds nor re-renders it per call. Runs on the database, never inside a transaction.
 */
export async function tagsOfQuestionsPrepared(
  db: Database,
  questionIds: number[],
): Promise<QuestionTagRow[]> {
  if (questionIds.length === 0) return [];
  return tagsOfQuestionsStatement(db).execute({ ids: questionIds });
}

/**
 * The select of the tags of one question (the prepared `tags_of_question`). Exported so the bench explains
 * this very SQL (bench/explain.ts).
 */
export function tagsOfQuestionQuery(db: Executor, questionId: number | Placeholder) {
  return tagPairs(db, eq(questionTags.questionId, questionId));
}

/** The prepared form of `tagsOfQuestions` for one question, built once per database handle. */
const tagsOfQuestionStatement = perDatabase((db) =>
  tagsOfQuestionQuery(db, sql.placeholder('id')).prepare('tags_of_question'),
);

/**
 * The tags of one question, alphabetical, through a prepared statement (the hot `question.byId` read).
 * Runs on the database, never inside a transaction: inside one, use `tagsOfQuestions`.
 */
export async function tagsOfQuestionPrepared(db: Database, questionId: number): Promise<QuestionTagRow[]> {
  return tagsOfQuestionStatement(db).execute({ id: questionId });
}

/**
 * Creates the tags of `slugs` that do not exist yet and moves the usage count of all of them by
 * `usageDelta`, in one upsert; returns their ids. Sorted by slug, so concurrent writers lock tags alike.
 */
export async function upsertTags(
  db: Executor,
  params: { slugs: string[]; usageDelta: 0 | 1 },
): Promise<number[]> {
  if (params.slugs.length === 0) return [];
  const sorted = [...params.slugs].sort();
  const rows = await db
    .insert(tags)
    .values(sorted.map((slug) => ({ slug, usageCount: params.usageDelta })))
    .onConflictDoUpdate({
      target: tags.slug,
      set: { usageCount: sql`${tags.usageCount} + ${params.usageDelta}` },
    })
    .returning({ id: tags.id });
  return rows.map((row) => row.id);
}

/** Links the tags `tagIds` to a question. */
export async function insertQuestionTags(
  db: Executor,
  params: { questionId: number; tagIds: number[] },
): Promise<void> {
  if (params.tagIds.length === 0) return;
  await db
    .insert(questionTags)
    .values(params.tagIds.map((tagId) => ({ questionId: params.questionId, tagId })));
}

/** Unlinks the tags `slugs` from a question (usage counts stay: see `addTagUsage`). */
export async function deleteQuestionTags(
  db: Executor,
  params: { questionId: number; slugs: string[] },
): Promise<void> {
  if (params.slugs.length === 0) return;
  const ids = db.select({ id: tags.id }).from(tags).where(inArray(tags.slug, params.slugs));
  await db
    .delete(questionTags)
    .where(and(eq(questionTags.questionId, params.questionId), inArray(questionTags.tagId, ids)));
}

/** Moves the usage count of the tags `slugs` by `delta`, in slug order. */
export async function addTagUsage(db: Executor, params: { slugs: string[]; delta: 1 | -1 }): Promise<void> {
  if (params.slugs.length === 0) return;
  await db
    .update(tags)
    .set({ usageCount: sql`${tags.usageCount} + ${params.delta}` })
    .where(inArray(tags.slug, [...params.slugs].sort()));
}

/** Escapes `%`, `_` and `\` so user text matches literally in LIKE, and matches it as a prefix. */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** What the tag pickers filter by: a slug prefix (none or empty: every tag) and how many to return. */
export type TagSearchParams = { prefix?: string | undefined; limit: number };

/** Tags whose slug starts with `prefix`, alphabetical (over `tags_slug_idx`). */
export async function tagsByPrefix(db: Executor, params: TagSearchParams) {
  return db
    .select({ slug: tags.slug, usageCount: tags.usageCount })
    .from(tags)
    .where(params.prefix ? like(tags.slug, likePrefix(params.prefix)) : undefined)
    .orderBy(asc(tags.slug))
    .limit(params.limit);
}

/** The most used tags (usage counts count live questions), optionally starting with `prefix` (`tags_usage_idx`). */
export async function mostUsedTags(db: Executor, params: TagSearchParams) {
  return db
    .select({ slug: tags.slug, usageCount: tags.usageCount })
    .from(tags)
    .where(
      and(gt(tags.usageCount, 0), params.prefix ? like(tags.slug, likePrefix(params.prefix)) : undefined),
    )
    .orderBy(desc(tags.usageCount), asc(tags.slug))
    .limit(params.limit);
}
