import { type Executor, isFirstPost, openReviewItem } from '@devflow/db';
import type { SessionUser } from '../../trpc/context';

/**
 * Puts a user's very first post (question or answer) in the first-posts review queue, inside the
 * transaction that wrote it. Called by `question.create` and `answer.create`.
 */
export async function queueFirstPost(
  tx: Executor,
  actor: SessionUser,
  type: 'question' | 'answer',
  id: number,
): Promise<void> {
  if (!(await isFirstPost(tx, actor.id))) return;
  await openReviewItem(tx, { queue: 'first-posts', targetType: type, targetId: id, createdAt: new Date() });
}
