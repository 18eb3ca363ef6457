import {
  ALREADY_FLAGGED_MESSAGE,
  type flagCreateInput,
  type flagOutput,
  toId,
  toIso,
} from '@devflow/contract';
import { countHidingFlaggers, insertFlag, openReviewItem, setPostHidden } from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { afterWrite } from '../../platform/cache/scopes';
import { now } from '../../platform/clock';
import { ConflictError, ForbiddenError } from '../../platform/domain-errors';
import { requirePrivilege } from '../../platform/privileges';
import { getSiteSettings } from '../../platform/settings';
import type { SessionUser } from '../../trpc/context';
import { liveTransaction, postKey } from '../live/events';
import { postScope } from '../moderation/scope';
import { requireLivePost } from '../posts/posts';

type Deps = Pick<ApiDeps, 'db' | 'cache' | 'log' | 'clock' | 'live'>;

/** Flag reasons that count towards hiding a post. */
const HIDING_REASONS: ReadonlySet<string> = new Set(['spam', 'rude']);

/**
 * `flag.create` (privilege `flag`): raises a flag on someone else's live post and puts the post in the
 * flags queue. One open flag per user and post (CONFLICT). When `flagsToHide` distinct users have open
 * spam or rude flags on it, the post is hidden pending review — everywhere, by the one visibility rule of
 * `packages/db/src/queries/visibility.ts`. The post's row is locked first, so flaggers racing at the
 * threshold are counted one after the other and the post is hidden exactly once; its cached pages are
 * invalidated after the commit.
 */
export async function createFlag(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof flagCreateInput>,
): Promise<z.infer<typeof flagOutput>> {
  await requirePrivilege(deps, actor, 'flag');
  const settings = await getSiteSettings(deps);
  const write = liveTransaction(deps, async (tx, live) => {
    const post = await requireLivePost(tx, input.targetType, input.targetId, { lock: true });
    if (post.authorId === actor.id) throw new ForbiddenError('You cannot flag your own post.');
    const at = now(deps);
    const flag = await insertFlag(tx, {
      targetType: input.targetType,
      targetId: input.targetId,
      userId: actor.id,
      reason: input.reason,
      note: input.note && input.note.length > 0 ? input.note : null,
      createdAt: at,
    });
    if (!flag) {
      throw new ConflictError(ALREADY_FLAGGED_MESSAGE);
    }
    await openReviewItem(tx, {
      queue: 'flags',
      targetType: input.targetType,
      targetId: input.targetId,
      createdAt: at,
    });
    let hidden = false;
    if (HIDING_REASONS.has(input.reason)) {
      const flaggers = await countHidingFlaggers(tx, {
        targetType: input.targetType,
        targetId: input.targetId,
      });
      if (flaggers >= settings.flagsToHide) {
        await setPostHidden(tx, { type: input.targetType, id: input.targetId, at });
        hidden = true;
        if (post.questionId !== null) {
          // Subscribers learn the post is gone, and the backlog forgets its content, as for a deletion.
          live.redact(
            post.questionId,
            input.targetType === 'question' ? 'all' : [postKey(input.targetType, input.targetId)],
          );
          live.question(post.questionId, {
            type: 'post.hidden',
            targetType: input.targetType,
            targetId: toId(input.targetId),
          });
        }
      }
    }
    return {
      id: toId(flag.id),
      targetType: flag.targetType,
      targetId: toId(flag.targetId),
      reason: flag.reason,
      note: flag.note,
      status: flag.status,
      createdAt: toIso(flag.createdAt),
      postHidden: hidden,
    };
  });
  return afterWrite(deps, write, (flag) =>
    flag.postHidden ? postScope(deps, input.targetType, input.targetId) : {},
  );
}
