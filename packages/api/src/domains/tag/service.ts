import {
  addTagUsage,
  type Database,
  deleteQuestionTags,
  type Executor,
  insertQuestionTags,
  mostUsedTags,
  type QuestionTagRow,
  tagsByPrefix,
  tagsOfQuestions,
  tagsOfQuestionsPrepared,
  upsertTags,
} from '@devflow/db';
import type { ApiDeps } from '../../deps';

/** Tag rows grouped by question: each question's slugs, in the rows' (alphabetical) order. */
export function groupTags(rows: QuestionTagRow[]): Map<number, string[]> {
  const byQuestion = new Map<number, string[]>();
  for (const row of rows) {
    const list = byQuestion.get(row.questionId);
    if (list) list.push(row.slug);
    else byQuestion.set(row.questionId, [row.slug]);
  }
  return byQuestion;
}

/**
 * Tags of each question, alphabetical, in one query over the `question_tags` primary key.
 */
export async function tagsOf(db: Executor, questionIds: number[]): Promise<Map<number, string[]>> {
  return groupTags(await tagsOfQuestions(db, questionIds));
}

/**
 * `tagsOf` for the pages of lists, search and feeds: the same statement, prepared once per database
 * handle. Never inside a transaction.
 */
export async function tagsOfPage(db: Database, questionIds: number[]): Promise<Map<number, string[]>> {
  return groupTags(await tagsOfQuestionsPrepared(db, questionIds));
}

/**
 * Links `slugs` to a question, creating tags on first use. When `live`, each tag's usage count goes up
 * by one in the same statement (an upsert, in slug order so concurrent writers lock tags alike).
 */
export async function attachTags(
  tx: Executor,
  questionId: number,
  slugs: string[],
  live: boolean,
): Promise<void> {
  const tagIds = await upsertTags(tx, { slugs, usageDelta: live ? 1 : 0 });
  await insertQuestionTags(tx, { questionId, tagIds });
}

/** Unlinks `slugs` from a question; when `live`, their usage counts go down by one. */
export async function detachTags(
  tx: Executor,
  questionId: number,
  slugs: string[],
  live: boolean,
): Promise<void> {
  if (slugs.length === 0) return;
  await deleteQuestionTags(tx, { questionId, slugs });
  if (live) await adjustTagUsage(tx, slugs, -1);
}

/** Moves the usage count of `slugs` by `delta` (a question deleted or restored). */
export async function adjustTagUsage(tx: Executor, slugs: string[], delta: 1 | -1): Promise<void> {
  await addTagUsage(tx, { slugs, delta });
}

/** Tags whose slug starts with `q`, alphabetical (every tag when `q` is empty), for pickers. */
export async function listTags(deps: Pick<ApiDeps, 'db'>, input: { q?: string | undefined; limit: number }) {
  return tagsByPrefix(deps.db, { prefix: input.q, limit: input.limit });
}

/**
 * The most used tags (live questions only), optionally those starting with `q`; reads
 * `tags_usage_idx`.
 */
export async function popularTags(
  deps: Pick<ApiDeps, 'db'>,
  input: { q?: string | undefined; limit: number },
) {
  return mostUsedTags(deps.db, { prefix: input.q, limit: input.limit });
}
