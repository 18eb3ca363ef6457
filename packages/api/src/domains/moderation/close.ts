import {
  type closeOutcome,
  type questionCloseInput,
  type questionReopenInput,
  toId,
} from '@devflow/contract';
import {
  activeCloseVotes,
  type CloseReason,
  type Executor,
  endCloseVotes,
  expireCloseVotes,
  findQuestion,
  insertCloseVote,
  openReviewItem,
  resolveOpenItemsOf,
  setQuestionClosure,
} from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { afterWrite, questionScope } from '../../platform/cache/scopes';
import { now } from '../../platform/clock';
import { BadInputError, ConflictError } from '../../platform/domain-errors';
import { hasRole } from '../../platform/policy';
import { requirePrivilege } from '../../platform/privileges';
import { getSiteSettings } from '../../platform/settings';
import type { SessionUser } from '../../trpc/context';
import { type LiveBatch, liveTransaction } from '../live/events';
import { notFound, visibleTo } from '../posts/posts';
import { toClosed } from '../question/view';

type Deps = Pick<ApiDeps, 'db' | 'cache' | 'log' | 'clock' | 'live'>;
type Outcome = z.infer<typeof closeOutcome>;

const DAY_MS = 86_400_000;

/** One active vote as `activeCloseVotes` reads it. */
type Vote = Awaited<ReturnType<typeof activeCloseVotes>>[number];

/**
 * The closure a set of close votes decides: the reason most voters chose (ties: the reason voted first)
 * and, for a duplicate, the original most of its voters named. Null when there are no votes.
 */
export function closureOfVotes(votes: Vote[]): { reason: CloseReason; duplicateOfId: number | null } | null {
  const tally = (keys: (string | null)[]) => {
    const counts = new Map<string, number>();
    for (const key of keys) if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
    let best: string | null = null;
    for (const [key, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = key;
    return best;
  };
  const reason = tally(votes.map((vote) => vote.reason)) as CloseReason | null;
  if (reason === null) return null;
  const original =
    reason === 'duplicate'
      ? tally(
          votes
            .filter((v) => v.reason === 'duplicate')
            .map((v) => (v.duplicateOfId === null ? null : String(v.duplicateOfId))),
        )
      : null;
  return { reason, duplicateOfId: original === null ? null : Number(original) };
}

/** The question's closure as the page shows it (null while it is open), read in `tx`. */
export async function closureNow(tx: Executor, id: number): Promise<Outcome['closed']> {
  const row = await findQuestion(tx, id);
  if (!row) throw notFound('question');
  return toClosed(row);
}

/**
 * Tells the question's live subscribers its closure changed — `question.closed` with the closure as the
 * page shows it, or `question.reopened` — in the transaction that changed it (`question.close`,
 * `question.reopen`, `review.resolve`).
 */
export function announceClosure(live: LiveBatch, questionId: number, closed: Outcome['closed']): void {
  live.question(
    questionId,
    closed
      ? { type: 'question.closed', questionId: toId(questionId), closed }
      : { type: 'question.reopened', questionId: toId(questionId) },
  );
}

/** The question's closure now and the vote count, as `question.close` / `question.reopen` answer. */
async function outcomeOf(tx: Executor, id: number, votes: number, votesNeeded: number): Promise<Outcome> {
  return { questionId: toId(id), closed: await closureNow(tx, id), votes, votesNeeded };
}

/**
 * Who is acting on a question's closure: moderators act at once, anyone else needs the `closeVotes`
 * privilege (FORBIDDEN naming it) and casts a vote; with the site's settings the votes are counted by.
 */
async function closureActor(deps: Deps, actor: SessionUser) {
  const moderator = hasRole(actor.role, 'moderator');
  if (!moderator) await requirePrivilege(deps, actor, 'closeVotes');
  return { moderator, settings: await getSiteSettings(deps) };
}

/** A close or reopen vote to cast. */
type Ballot = {
  questionId: number;
  userId: number;
  kind: 'close' | 'reopen';
  reason: CloseReason | null;
  duplicateOfId: number | null;
  at: Date;
};

/**
 * Expires the question's votes older than `expiryDays`, casts `ballot` (CONFLICT when its voter already
 * has an active vote of that kind) and returns the active votes of its kind.
 */
async function castVote(tx: Executor, ballot: Ballot, expiryDays: number): Promise<Vote[]> {
  const { questionId, kind, at } = ballot;
  await expireCloseVotes(tx, { questionId, before: new Date(at.getTime() - expiryDays * DAY_MS) });
  const cast = await insertCloseVote(tx, {
    questionId,
    userId: ballot.userId,
    kind,
    reason: ballot.reason,
    duplicateOfId: ballot.duplicateOfId,
    createdAt: at,
  });
  if (!cast) throw new ConflictError(`You already voted to ${kind} this question.`);
  return activeCloseVotes(tx, { questionId, kind });
}

/**
 * A vote was cast but too few agree yet: the question waits in the close-votes review queue (one open item
 * per question), and the caller is told the tally.
 */
async function awaitMoreVotes(
  tx: Executor,
  tally: { questionId: number; at: Date; votes: number; votesNeeded: number },
): Promise<Outcome> {
  await openReviewItem(tx, {
    queue: 'close-votes',
    targetType: 'question',
    targetId: tally.questionId,
    createdAt: tally.at,
  });
  return outcomeOf(tx, tally.questionId, tally.votes, tally.votesNeeded);
}

/** The question was closed or reopened: its open close-votes review item is decided with that action. */
async function settleCloseVotesItem(
  tx: Executor,
  decision: { questionId: number; action: 'close' | 'reopen'; byId: number; at: Date },
): Promise<void> {
  await resolveOpenItemsOf(tx, {
    queue: 'close-votes',
    targetType: 'question',
    targetId: decision.questionId,
    action: decision.action,
    byId: decision.byId,
    at: decision.at,
  });
}

/** The live question a close or reopen call is about, locked; NOT_FOUND when the actor cannot see it. */
async function lockQuestion(tx: Executor, actor: SessionUser, id: number) {
  const row = await findQuestion(tx, id, { lock: true });
  if (!row || !visibleTo(actor, row.live)) throw notFound('question');
  return row;
}

/**
 * `question.close`: a moderator closes at once; a user with the `closeVotes` privilege casts a close vote
 * (one active vote per user and question, CONFLICT otherwise), and the question closes when
 * `closeVotesToClose` unexpired votes agree (votes older than `closeVoteExpiryDays` by the injectable
 * clock expire) — with the reason most voters chose. A question with pending votes waits in the
 * close-votes review queue. The question row is locked, so racing voters are counted one at a time.
 */
export async function closeQuestion(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof questionCloseInput>,
): Promise<Outcome> {
  const { moderator, settings } = await closureActor(deps, actor);
  const write = liveTransaction(deps, async (tx, live) => {
    const row = await lockQuestion(tx, actor, input.id);
    if (row.closedAt !== null) throw new ConflictError('This question is already closed.');
    const duplicateOfId = input.duplicateOfId ?? null;
    if (duplicateOfId !== null) {
      if (duplicateOfId === row.id) throw new BadInputError('A question cannot be a duplicate of itself.');
      const original = await findQuestion(tx, duplicateOfId);
      if (!original?.live) throw new BadInputError('The original question does not exist or was deleted.');
    }
    const at = now(deps);
    const close = async (closure: { reason: CloseReason; duplicateOfId: number | null }) => {
      await setQuestionClosure(tx, { id: row.id, closure: { ...closure, at, byId: actor.id } });
      await endCloseVotes(tx, { questionId: row.id, kind: 'close', state: 'spent' });
      await endCloseVotes(tx, { questionId: row.id, kind: 'reopen', state: 'dismissed' });
      await settleCloseVotesItem(tx, { questionId: row.id, action: 'close', byId: actor.id, at });
      const outcome = await outcomeOf(tx, row.id, 0, settings.closeVotesToClose);
      announceClosure(live, row.id, outcome.closed);
      return outcome;
    };
    if (moderator) return close({ reason: input.reason, duplicateOfId });
    const ballot: Ballot = {
      questionId: row.id,
      userId: actor.id,
      kind: 'close',
      reason: input.reason,
      duplicateOfId,
      at,
    };
    const votes = await castVote(tx, ballot, settings.closeVoteExpiryDays);
    const closure = closureOfVotes(votes);
    if (votes.length >= settings.closeVotesToClose && closure) return close(closure);
    return awaitMoreVotes(tx, {
      questionId: row.id,
      at,
      votes: votes.length,
      votesNeeded: settings.closeVotesToClose,
    });
  });
  return afterWrite(deps, write, () => questionScope(deps, input.id));
}

/** Reopens a closed question and spends its active reopen votes (`question.reopen`, `review.resolve`). */
export async function reopenNow(tx: Executor, questionId: number): Promise<void> {
  await setQuestionClosure(tx, { id: questionId, closure: null });
  await endCloseVotes(tx, { questionId, kind: 'reopen', state: 'spent' });
}

/**
 * `question.reopen`: a moderator reopens at once; a user with the `closeVotes` privilege casts a reopen
 * vote, and the question reopens at `closeVotesToClose` unexpired votes; until then it waits in the
 * close-votes review queue (reopen or leave closed). CONFLICT when it is open.
 */
export async function reopenQuestion(
  deps: Deps,
  actor: SessionUser,
  input: z.infer<typeof questionReopenInput>,
): Promise<Outcome> {
  const { moderator, settings } = await closureActor(deps, actor);
  const write = liveTransaction(deps, async (tx, live) => {
    const row = await lockQuestion(tx, actor, input.id);
    if (row.closedAt === null) throw new ConflictError('This question is open.');
    const at = now(deps);
    const reopen = async () => {
      await reopenNow(tx, row.id);
      await settleCloseVotesItem(tx, { questionId: row.id, action: 'reopen', byId: actor.id, at });
      const outcome = await outcomeOf(tx, row.id, 0, settings.closeVotesToClose);
      announceClosure(live, row.id, outcome.closed);
      return outcome;
    };
    if (moderator) return reopen();
    const ballot: Ballot = {
      questionId: row.id,
      userId: actor.id,
      kind: 'reopen',
      reason: null,
      duplicateOfId: null,
      at,
    };
    const votes = await castVote(tx, ballot, settings.closeVoteExpiryDays);
    if (votes.length >= settings.closeVotesToClose) return reopen();
    return awaitMoreVotes(tx, {
      questionId: row.id,
      at,
      votes: votes.length,
      votesNeeded: settings.closeVotesToClose,
    });
  });
  return afterWrite(deps, write, () => questionScope(deps, input.id));
}
