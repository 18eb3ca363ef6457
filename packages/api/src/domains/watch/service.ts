import type { watchListOutput, watchQuestionInput, watchStateOutput, watchTagInput } from '@devflow/contract';
import { toId, toIso, WATCH_LIST_MAX } from '@devflow/contract';
import {
  deleteQuestionWatch,
  deleteTagWatch,
  insertQuestionWatch,
  insertTagWatch,
  listWatchedQuestions,
  listWatchedTags,
} from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { NotFoundError } from '../../platform/domain-errors';
import type { SessionUser } from '../../trpc/context';
import { requireLivePost } from '../posts/posts';

type Deps = Pick<ApiDeps, 'db'>;
type WatchState = z.infer<typeof watchStateOutput>;

/** `watch.tag`: the caller watches a tag (idempotent); an unknown tag is NOT_FOUND. */
export async function watchTag(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof watchTagInput>,
): Promise<WatchState> {
  if (!(await insertTagWatch(deps.db, { userId: actor.id, slug: input.tag }))) {
    throw new NotFoundError('No question carries this tag yet.');
  }
  return { watching: true };
}

/** `watch.untag`: the caller stops watching a tag (idempotent). */
export async function unwatchTag(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof watchTagInput>,
): Promise<WatchState> {
  await deleteTagWatch(deps.db, { userId: actor.id, slug: input.tag });
  return { watching: false };
}

/** `watch.question`: the caller watches a live question (idempotent); otherwise NOT_FOUND. */
export async function watchQuestion(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof watchQuestionInput>,
): Promise<WatchState> {
  return deps.db.transaction(async (tx) => {
    await requireLivePost(tx, 'question', input.questionId);
    await insertQuestionWatch(tx, { userId: actor.id, questionId: input.questionId });
    return { watching: true };
  });
}

/** `watch.unquestion`: the caller stops watching a question (idempotent, also undoes the automatic watch). */
export async function unwatchQuestion(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof watchQuestionInput>,
): Promise<WatchState> {
  await deleteQuestionWatch(deps.db, { userId: actor.id, questionId: input.questionId });
  return { watching: false };
}

/** `watch.list`: the caller's watched tags and live questions, newest watched first (each at most `WATCH_LIST_MAX`). */
export async function listWatches(deps: Deps, actor: SessionUser): Promise<z.infer<typeof watchListOutput>> {
  const [tags, questions] = await Promise.all([
    listWatchedTags(deps.db, { userId: actor.id, limit: WATCH_LIST_MAX }),
    listWatchedQuestions(deps.db, { userId: actor.id, limit: WATCH_LIST_MAX }),
  ]);
  return {
    tags: tags.map((row) => ({ slug: row.slug, watchedAt: toIso(row.watchedAt) })),
    questions: questions.map((row) => ({
      id: toId(row.id),
      title: row.title,
      watchedAt: toIso(row.watchedAt),
    })),
  };
}
