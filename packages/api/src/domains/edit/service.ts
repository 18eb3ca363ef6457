import {
  SUGGESTION_CHANGES_NOTHING,
  type suggestEditInput,
  type suggestedEditOutput,
  toId,
  toIso,
} from '@devflow/contract';
import { type Executor, findAnswer, findQuestion, insertSuggestedEdit, openReviewItem } from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { now } from '../../platform/clock';
import { BadInputError } from '../../platform/domain-errors';
import { hasPrivilege } from '../../platform/privileges';
import type { SessionUser } from '../../trpc/context';
import { notFound } from '../posts/posts';
import { tagsOf } from '../tag/service';

type Deps = Pick<ApiDeps, 'db' | 'log' | 'clock'>;

/** A post's editable text: title and tags for questions (null for answers), and the body. */
export type PostSnapshot = { title: string | null; body: string; tags: string[] | null };

/**
 * The live post as it reads now (any visibility for `any`), with its author; undefined when missing, or
 * not live and `any` is false.
 */
export async function postSnapshot(
  db: Executor,
  type: 'question' | 'answer',
  id: number,
  any = false,
): Promise<{ snapshot: PostSnapshot; authorId: number } | undefined> {
  if (type === 'question') {
    const row = await findQuestion(db, id);
    if (!row || (!row.live && !any)) return undefined;
    const tags = (await tagsOf(db, [id])).get(id) ?? [];
    return { snapshot: { title: row.title, body: row.body, tags: [...tags].sort() }, authorId: row.authorId };
  }
  const row = await findAnswer(db, { id, lock: false });
  if (!row || ((!row.live || !row.questionLive) && !any)) return undefined;
  return { snapshot: { title: null, body: row.body, tags: null }, authorId: row.authorId };
}

/** True when two snapshots read the same (tags compared as sets). */
export function sameSnapshot(a: PostSnapshot, b: PostSnapshot): boolean {
  const tags = (t: string[] | null) => (t === null ? null : [...t].sort().join(' '));
  return a.title === b.title && a.body === b.body && tags(a.tags) === tags(b.tags);
}

/**
 * `edit.suggest`: a signed-in user who may not edit someone else's post (no `editOthers`
 * privilege) proposes an edit to it. The suggestion keeps the post's text it was made against, waits in
 * the suggested-edits queue, and becomes a normal revision when a reviewer approves it. Authors edit
 * their own posts, and users with `editOthers` edit directly: both are BAD_REQUEST here.
 */
export async function suggestEdit(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof suggestEditInput>,
): Promise<z.infer<typeof suggestedEditOutput>> {
  return deps.db.transaction(async (tx) => {
    const post = await postSnapshot(tx, input.targetType, input.targetId);
    if (!post) throw notFound(input.targetType);
    if (post.authorId === actor.id) throw new BadInputError('This is your post: edit it directly.');
    if (await hasPrivilege(deps, actor, 'editOthers', tx)) {
      throw new BadInputError('You may edit this post directly; no suggestion is needed.');
    }
    const base = post.snapshot;
    const proposed: PostSnapshot = {
      title: input.targetType === 'question' ? (input.title ?? base.title) : null,
      body: input.body ?? base.body,
      tags: input.targetType === 'question' ? (input.tags ? [...input.tags].sort() : base.tags) : null,
    };
    if (sameSnapshot(base, proposed)) throw new BadInputError(SUGGESTION_CHANGES_NOTHING);
    const at = now(deps);
    const edit = await insertSuggestedEdit(tx, {
      targetType: input.targetType,
      targetId: input.targetId,
      authorId: actor.id,
      baseTitle: base.title,
      baseBody: base.body,
      baseTags: base.tags,
      title: proposed.title,
      body: proposed.body,
      tags: proposed.tags,
      comment: input.comment && input.comment.length > 0 ? input.comment : null,
      createdAt: at,
    });
    await openReviewItem(tx, {
      queue: 'suggested-edits',
      targetType: input.targetType,
      targetId: input.targetId,
      suggestedEditId: edit.id,
      createdAt: at,
    });
    return {
      id: toId(edit.id),
      targetType: edit.targetType,
      targetId: toId(edit.targetId),
      state: edit.state,
      createdAt: toIso(edit.createdAt),
    };
  });
}
