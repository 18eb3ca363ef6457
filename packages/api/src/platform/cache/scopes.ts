import { answerOwner, questionAuthors } from '@devflow/db';
import type { ApiDeps } from '../../deps';
import { tagsOf } from '../../domains/tag/service';
import { type Changed, invalidate } from './cached';

type Deps = Pick<ApiDeps, 'db' | 'cache' | 'log'>;

/** Merges several change sets into one. */
export function mergeChanged(...sets: Changed[]): Changed {
  return {
    questions: sets.flatMap((s) => s.questions ?? []),
    tags: sets.flatMap((s) => s.tags ?? []),
    allLists: sets.some((s) => s.allLists),
    users: sets.flatMap((s) => s.users ?? []),
    authors: sets.some((s) => s.authors),
    settings: sets.some((s) => s.settings),
  };
}

/**
 * Everything a change to question `id` can show up in: its page, the untagged lists and the lists of
 * its tags, its author's profile (question count, reputation) and the profile of the author of its
 * accepted answer (reputation). Reads the question's tags and authors — deleted questions too:
 * deleting one changes the same reads. Call it before a write as well when the write can move tags or
 * the accepted answer, and merge both.
 */
export async function questionScope(deps: Deps, id: number): Promise<Changed> {
  const row = await questionAuthors(deps.db, id);
  const slugs = (await tagsOf(deps.db, [id])).get(id) ?? [];
  return {
    questions: [id],
    allLists: true,
    tags: slugs,
    users: row ? [row.authorId, ...(row.acceptedAuthorId === null ? [] : [row.acceptedAuthorId])] : [],
  };
}

/**
 * What a change to answer `answerId` can show up in: its question's page and lists (answer count,
 * activity, accepted flag), the question author's profile, and the answer author's profile.
 */
export async function answerScope(deps: Deps, answerId: number): Promise<Changed> {
  const owner = await answerOwner(deps.db, answerId);
  if (!owner) return {};
  return mergeChanged(await questionScope(deps, owner.questionId), { users: [owner.authorId] });
}

/**
 * What a reaction changes: a question's counters show on its page, in lists and in its author's
 * reputation; an answer's on its question's page and in its author's reputation; a reply's only in its
 * thread (not cached).
 */
export async function reactionScope(
  deps: Deps,
  target: { targetType: 'question' | 'answer' | 'reply'; targetId: number },
): Promise<Changed> {
  if (target.targetType === 'question') return questionScope(deps, target.targetId);
  if (target.targetType === 'answer') {
    const owner = await answerOwner(deps.db, target.targetId);
    return owner ? { questions: [owner.questionId], users: [owner.authorId] } : {};
  }
  return {};
}

/**
 * Invalidates what a write changed; a service calls it once the write's transaction has committed,
 * which is what keeps the cache race-free (see `cached.ts`). `changed` may read the database (the
 * committed state); it never fails the write: a failure there is logged and the entries expire by TTL.
 */
export async function invalidateCommitted(
  deps: Deps,
  changed: () => Changed | Promise<Changed>,
): Promise<void> {
  try {
    await invalidate(deps, await changed());
  } catch (error) {
    deps.log.warn({ err: error }, 'cache invalidation failed; entries expire by TTL');
  }
}

/** Runs a write, then (once it has committed) invalidates what it changed: `invalidateCommitted`. */
export async function afterWrite<T>(
  deps: Deps,
  write: Promise<T>,
  changed: (result: T) => Changed | Promise<Changed>,
): Promise<T> {
  const result = await write;
  await invalidateCommitted(deps, () => changed(result));
  return result;
}
