import { type Executor, questionTags, tags } from '@devflow/db';
import { and, asc, desc, eq, gt, inArray, like, sql } from 'drizzle-orm';
import type { ApiDeps } from '../deps';

/**
 * Tags of each question, alphabetical, in one query over the `question_tags` primary key.
 */
export async function tagsOf(db: Executor, questionIds: number[]): Promise<Map<number, string[]>> {
  const byQuestion = new Map<number, string[]>();
  if (questionIds.length === 0) return byQuestion;
  const rows = await db
    .select({ questionId: questionTags.questionId, slug: tags.slug })
    .from(questionTags)
    .innerJoin(tags, eq(tags.id, questionTags.tagId))
    .where(inArray(questionTags.questionId, questionIds))
    .orderBy(asc(tags.slug));
  for (const row of rows) {
    const list = byQuestion.get(row.questionId);
    if (list) list.push(row.slug);
    else byQuestion.set(row.questionId, [row.slug]);
  }
  return byQuestion;
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
  if (slugs.length === 0) return;
  const sorted = [...slugs].sort();
  const delta = live ? 1 : 0;
  const rows = await tx
    .insert(tags)
    .values(sorted.map((slug) => ({ slug, usageCount: delta })))
    .onConflictDoUpdate({
      target: tags.slug,
      set: { usageCount: sql`${tags.usageCount} + ${delta}` },
    })
    .returning({ id: tags.id });
  await tx.insert(questionTags).values(rows.map((row) => ({ questionId, tagId: row.id })));
}

/** Unlinks `slugs` from a question; when `live`, their usage counts go down by one. */
export async function detachTags(
  tx: Executor,
  questionId: number,
  slugs: string[],
  live: boolean,
): Promise<void> {
  if (slugs.length === 0) return;
  const ids = tx.select({ id: tags.id }).from(tags).where(inArray(tags.slug, slugs));
  await tx
    .delete(questionTags)
    .where(and(eq(questionTags.questionId, questionId), inArray(questionTags.tagId, ids)));
  if (live) await adjustTagUsage(tx, slugs, -1);
}

/** Moves the usage count of `slugs` by `delta` (a question deleted or restored). */
export async function adjustTagUsage(tx: Executor, slugs: string[], delta: 1 | -1): Promise<void> {
  if (slugs.length === 0) return;
  await tx
    .update(tags)
    .set({ usageCount: sql`${tags.usageCount} + ${delta}` })
    .where(inArray(tags.slug, [...slugs].sort()));
}

/** Escapes `%`, `_` and `\` so user text matches literally in LIKE. */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Tags whose slug starts with `q`, alphabetical (every tag when `q` is empty), for pickers. */
export async function listTags(deps: Pick<ApiDeps, 'db'>, input: { q?: string | undefined; limit: number }) {
  const rows = await deps.db
    .select({ slug: tags.slug, usageCount: tags.usageCount })
    .from(tags)
    .where(input.q ? like(tags.slug, likePrefix(input.q)) : undefined)
    .orderBy(asc(tags.slug))
    .limit(input.limit);
  return rows;
}

/**
 * The most used tags (live questions only), optionally those starting with `q`; reads
 * `tags_usage_idx`.
 */
export async function popularTags(
  deps: Pick<ApiDeps, 'db'>,
  input: { q?: string | undefined; limit: number },
) {
  return deps.db
    .select({ slug: tags.slug, usageCount: tags.usageCount })
    .from(tags)
    .where(and(gt(tags.usageCount, 0), input.q ? like(tags.slug, likePrefix(input.q)) : undefined))
    .orderBy(desc(tags.usageCount), asc(tags.slug))
    .limit(input.limit);
}
