import {
  type reviewAction,
  type reviewItem,
  type reviewListInput,
  type reviewResolveInput,
  STALE_APPROVAL_REFUSED,
  toId,
  toIso,
} from '@devflow/contract';
import {
  activeCloseVotes,
  type Executor,
  endCloseVotes,
  findReviewItem,
  findReviewPost,
  findSuggestedEdit,
  flagsOnPost,
  listReviewItems,
  type ReviewItemRow,
  resolveFlags,
  resolveReviewItem,
  setPostHidden,
  setQuestionClosure,
  setSuggestedEditState,
} from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { invalidate } from '../../platform/cache/cached';
import { now } from '../../platform/clock';
import { BadInputError, ConflictError, NotFoundError } from '../../platform/domain-errors';
import { decodeCursor, idCursor, toPage } from '../../platform/pagination';
import { hasRole } from '../../platform/policy';
import { requirePrivilege } from '../../platform/privileges';
import type { SessionUser } from '../../trpc/context';
import { deleteAnswer, updateAnswer } from '../answer/service';
import { awardBadge } from '../badge/service';
import { postSnapshot, sameSnapshot } from '../edit/service';
import { liveTransaction } from '../live/events';
import { announceClosure, closureNow, closureOfVotes, reopenNow } from '../moderation/close';
import { postScope } from '../moderation/scope';
import { toUserSummary } from '../posts/posts';
import { deleteQuestion, updateQuestion } from '../question/service';
import { deleteReply } from '../reply/service';

type Deps = ApiDeps;
type Item = z.infer<typeof reviewItem>;
type Action = z.infer<typeof reviewAction>;

const NO_SUCH_ITEM = 'This review item does not exist.';

/**
 * The actions that fit an open item, for this reviewer: deleting a post stays with moderators; `votes`
 * counts the close votes on an open question, or the reopen votes on a closed one.
 */
function actionsFor(row: ReviewItemRow, target: Item['target'], votes: number, moderator: boolean): Action[] {
  if (row.resolvedAt !== null) return [];
  const del: Action[] = moderator && !target.deleted ? ['delete'] : [];
  switch (row.queue) {
    case 'flags':
      return target.hidden ? ['restore', ...del] : ['dismiss', ...del];
    case 'first-posts':
      return ['approve', ...del];
    case 'suggested-edits':
      return target.deleted || target.hidden ? ['reject'] : ['approve', 'reject'];
    case 'close-votes':
      if (target.closed) return votes === 0 ? ['leave-closed'] : ['reopen', 'leave-closed'];
      return votes === 0 ? ['leave-open'] : ['close', 'leave-open'];
  }
}

/** A review item as the reviewer sees it: the post, its flags or votes or suggestion, what fits, the decision. */
async function toItem(db: Executor, actor: SessionUser, row: ReviewItemRow): Promise<Item> {
  const post = await findReviewPost(db, { type: row.targetType, id: row.targetId });
  const target: Item['target'] = {
    type: row.targetType,
    id: toId(row.targetId),
    questionId: post?.question_id == null ? null : toId(Number(post.question_id)),
    title: post?.title ?? null,
    body: post?.body ?? '',
    author:
      post?.author_id == null || post.username === null
        ? null
        : toUserSummary({
            id: Number(post.author_id),
            username: post.username,
            displayName: post.display_name,
            avatarUrl: post.avatar_url,
          }),
    deleted: post ? post.deleted : true,
    hidden: post ? post.hidden : false,
    closed: post ? post.closed : false,
  };
  const flagCounts = new Map<string, { count: number; notes: string[] }>();
  if (row.queue === 'flags') {
    for (const flag of await flagsOnPost(db, {
      targetType: row.targetType,
      targetId: row.targetId,
      since: row.createdAt,
    })) {
      const entry = flagCounts.get(flag.reason) ?? { count: 0, notes: [] };
      entry.count += 1;
      if (flag.note) entry.notes.push(flag.note);
      flagCounts.set(flag.reason, entry);
    }
  }
  const voteKind = target.closed ? 'reopen' : 'close';
  const votes =
    row.queue === 'close-votes' && row.resolvedAt === null
      ? await activeCloseVotes(db, { questionId: row.targetId, kind: voteKind })
      : [];
  const voteCounts = new Map<string, number>();
  for (const vote of votes)
    if (vote.reason) voteCounts.set(vote.reason, (voteCounts.get(vote.reason) ?? 0) + 1);
  let suggestedEdit: Item['suggestedEdit'] = null;
  if (row.suggestedEditId !== null && row.targetType !== 'reply') {
    const found = await findSuggestedEdit(db, { id: row.suggestedEditId, lock: false });
    const current = await postSnapshot(db, row.targetType, row.targetId, true);
    if (found && current) {
      const base = { title: found.edit.baseTitle, body: found.edit.baseBody, tags: found.edit.baseTags };
      suggestedEdit = {
        id: toId(found.edit.id),
        author: toUserSummary(found.author),
        comment: found.edit.comment,
        proposed: { title: found.edit.title, body: found.edit.body, tags: found.edit.tags },
        base,
        current: current.snapshot,
        stale: !sameSnapshot(base, current.snapshot),
        state: found.edit.state,
      };
    }
  }
  const moderator = hasRole(actor.role, 'moderator');
  return {
    id: toId(row.id),
    queue: row.queue,
    createdAt: toIso(row.createdAt),
    target,
    flags: [...flagCounts].map(([reason, entry]) => ({
      reason: reason as Item['flags'][number]['reason'],
      count: entry.count,
      notes: entry.notes,
    })),
    closeVotes: [...voteCounts].map(([reason, count]) => ({
      reason: reason as Item['closeVotes'][number]['reason'],
      count,
    })),
    reopenVotes: voteKind === 'reopen' ? votes.length : 0,
    suggestedEdit,
    actions: actionsFor(row, target, votes.length, moderator),
    decision:
      row.resolvedAt !== null && row.action !== null && row.resolvedBy !== null
        ? { action: row.action as Action, by: toUserSummary(row.resolvedBy), at: toIso(row.resolvedAt) }
        : null,
  };
}

/**
 * `review.list` (moderators and users with the `review` privilege): one page of a queue (or of all
 * queues). Open items come oldest first; `state: 'resolved'` lists decided items newest first, each with
 * its decision (action, who, when). Keyset-paged on the item id.
 */
export async function listReview(deps: Deps, actor: SessionUser, input: z.infer<typeof reviewListInput>) {
  await requirePrivilege(deps, actor, 'review');
  const after = input.cursor ? decodeCursor(input.cursor, idCursor)[0] : null;
  const rows = await listReviewItems(deps.db, {
    queue: input.queue ?? null,
    resolved: input.state === 'resolved',
    afterId: after,
    limit: input.limit + 1,
  });
  const page = toPage(
    rows,
    input.limit,
    (row) => row,
    (row) => [row.id],
  );
  const items = [];
  for (const row of page.items) items.push(await toItem(deps.db, actor, row));
  return { items, nextCursor: page.nextCursor };
}

/** Records the decision on an open item (CONFLICT when someone decided it meanwhile). */
async function record(tx: Executor, actor: SessionUser, id: number, action: Action, at: Date) {
  if (!(await resolveReviewItem(tx, { id, action, byId: actor.id, at }))) {
    throw new ConflictError('Someone else decided this item meanwhile.');
  }
}

/** Deletes the post of an item as its moderator would (`question.delete`, `answer.delete`, `reply.delete`). */
async function deletePost(deps: Deps, actor: SessionUser, type: 'question' | 'answer' | 'reply', id: number) {
  if (type === 'question') await deleteQuestion(deps, actor, id);
  else if (type === 'answer') await deleteAnswer(deps, actor, id);
  else await deleteReply(deps, actor, { id });
}

/**
 * `review.resolve`: decides an open item with one of the actions that fit it (`actions` of the item; any
 * other is BAD_REQUEST, a decided item CONFLICT). Flags: `dismiss` / `restore` dismiss the flags and show a
 * hidden post again, `delete` upholds them and deletes the post. First posts: `approve`, `delete`.
 * Suggested edits: `approve` applies the suggestion as a normal revision by its author — refused
 * (CONFLICT) when the post changed since, unless `confirm` — and `reject`. Close votes: `close` closes the
 * question with the voters' reason, `leave-open` dismisses the votes; on a closed question with reopen
 * votes, `reopen` reopens it and `leave-closed` dismisses them. The decision (action, who, when)
 * stays on the item (`review.list` with `state: 'resolved'`).
 */
export async function resolveReview(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof reviewResolveInput>,
): Promise<Item> {
  await requirePrivilege(deps, actor, 'review');
  const row = await findReviewItem(deps.db, { id: input.id, lock: false });
  if (!row) throw new NotFoundError(NO_SUCH_ITEM);
  if (row.resolvedAt !== null) throw new ConflictError('This item was decided already.');
  const before = await toItem(deps.db, actor, row);
  if (!before.actions.includes(input.action)) {
    throw new BadInputError(
      `"${input.action}" does not fit this item; choose one of: ${before.actions.join(', ') || 'none'}.`,
    );
  }
  const type = row.targetType;
  const at = now(deps);
  const { action } = input;
  if (action === 'delete') await deletePost(deps, actor, type, row.targetId);
  if (row.queue === 'suggested-edits' && action === 'approve') {
    const edit = before.suggestedEdit;
    if (!edit || type === 'reply') throw new NotFoundError('This suggestion no longer exists.');
    if (edit.stale && input.confirm !== true) {
      throw new ConflictError(STALE_APPROVAL_REFUSED);
    }
    const approved = { editorId: Number(edit.author.id) };
    if (type === 'question') {
      await updateQuestion(
        deps,
        actor,
        {
          id: row.targetId,
          title: edit.proposed.title ?? undefined,
          body: edit.proposed.body,
          tags: edit.proposed.tags ?? undefined,
        },
        approved,
      );
    } else {
      await updateAnswer(deps, actor, { id: row.targetId, body: edit.proposed.body }, approved);
    }
  }
  await liveTransaction(deps, async (tx, live) => {
    await record(tx, actor, row.id, action, at);
    switch (row.queue) {
      case 'flags': {
        const upheld = action === 'delete';
        const flaggers = await resolveFlags(tx, {
          targetType: type,
          targetId: row.targetId,
          status: upheld ? 'upheld' : 'dismissed',
          at,
        });
        // A first upheld flag earns its flagger the Citizen badge (awarded once, and notified).
        if (upheld) for (const flagger of flaggers) await awardBadge(tx, flagger, 'first-upheld-flag');
        await setPostHidden(tx, { type, id: row.targetId, at: null });
        break;
      }
      case 'suggested-edits':
        if (row.suggestedEditId !== null) {
          await setSuggestedEditState(tx, {
            id: row.suggestedEditId,
            state: action === 'approve' ? 'approved' : 'rejected',
          });
        }
        break;
      case 'close-votes':
        if (action === 'close') {
          const closure = closureOfVotes(
            await activeCloseVotes(tx, { questionId: row.targetId, kind: 'close' }),
          );
          if (!closure) throw new ConflictError('The close votes on this question expired meanwhile.');
          await setQuestionClosure(tx, { id: row.targetId, closure: { ...closure, at, byId: actor.id } });
          await endCloseVotes(tx, { questionId: row.targetId, kind: 'close', state: 'spent' });
          announceClosure(live, row.targetId, await closureNow(tx, row.targetId));
        } else if (action === 'reopen') {
          if ((await activeCloseVotes(tx, { questionId: row.targetId, kind: 'reopen' })).length === 0) {
            throw new ConflictError('The reopen votes on this question expired meanwhile.');
          }
          await reopenNow(tx, row.targetId);
          announceClosure(live, row.targetId, await closureNow(tx, row.targetId));
        } else {
          const kind = action === 'leave-closed' ? 'reopen' : 'close';
          await endCloseVotes(tx, { questionId: row.targetId, kind, state: 'dismissed' });
        }
        break;
      case 'first-posts':
        break;
    }
  });
  try {
    await invalidate(deps, await postScope(deps, type, row.targetId));
  } catch (error) {
    deps.log.warn({ err: error }, 'cache invalidation failed; entries expire by TTL');
  }
  const after = await findReviewItem(deps.db, { id: row.id, lock: false });
  if (!after) throw new NotFoundError(NO_SUCH_ITEM);
  return toItem(deps.db, actor, after);
}
