import {
  CLOSE_REASON_LABELS,
  CONFIRM_STALE_APPROVAL,
  FLAG_REASON_LABELS,
  REVIEW_ACTION_LABELS,
  REVIEW_DECIDED,
  REVIEW_QUEUE_EMPTY,
  REVIEW_QUEUE_LABELS,
  reopenVoteCount,
  STALE_SUGGESTION_MESSAGE,
} from '@devflow/contract/messages';
import { privilegeRefusal } from '@devflow/contract/privileges';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { LoadMore } from '../components/LoadMore';
import { RequireUser } from '../components/RequireUser';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { TimeAgo } from '../components/TimeAgo';
import { UserLink } from '../components/UserLink';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { isModerator, type Me } from '../hooks/useMe';
import { hasPrivilege, usePrivileges } from '../hooks/usePrivileges';
import { diffWords } from '../lib/diff';
import { errorCode } from '../lib/errors';
import { type RouterInputs, type RouterOutputs, useTRPC } from '../lib/trpc';

type Queue = keyof typeof REVIEW_QUEUE_LABELS;
type Item = RouterOutputs['review']['list']['items'][number];
type Action = RouterInputs['review']['resolve']['action'];
type Snapshot = NonNullable<Item['suggestedEdit']>['current'];

const QUEUES = Object.keys(REVIEW_QUEUE_LABELS) as Queue[];

/** Items a page of a queue shows before "Load more". */
const PAGE_SIZE = 20;

/** The text `from` → `to` with removed words struck through and added words marked. */
function Difference({ label, from, to }: { label: string; from: string; to: string }) {
  return (
    <div className="stack">
      <span className="small muted">{label}</span>
      <pre className="diff" data-testid="diff">
        {diffWords(from, to).map((part, index) =>
          part.kind === 'same' ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: the runs of one difference never reorder
            <span key={index}>{part.text}</span>
          ) : part.kind === 'removed' ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: the runs of one difference never reorder
            <del key={index}>{part.text}</del>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: the runs of one difference never reorder
            <ins key={index}>{part.text}</ins>
          ),
        )}
      </pre>
    </div>
  );
}

/** A suggested edit against the post's current text: who proposed it, why, stale or not, and the difference. */
function SuggestedEdit({ edit }: { edit: NonNullable<Item['suggestedEdit']> }) {
  const { current, proposed } = edit;
  const tags = (snapshot: Snapshot) => (snapshot.tags ?? []).join(' ');
  return (
    <div className="stack">
      <p className="meta">
        suggested by <UserLink user={edit.author} />
        {edit.comment ? <> — “{edit.comment}”</> : null}
      </p>
      {edit.stale && (
        <p className="alert" data-testid="stale-suggestion">
          {STALE_SUGGESTION_MESSAGE}
        </p>
      )}
      {proposed.title !== null && current.title !== null && proposed.title !== current.title && (
        <Difference label="Title" from={current.title} to={proposed.title} />
      )}
      {proposed.body !== current.body && <Difference label="Body" from={current.body} to={proposed.body} />}
      {proposed.tags !== null && tags(proposed) !== tags(current) && (
        <Difference label="Tags" from={tags(current)} to={tags(proposed)} />
      )}
    </div>
  );
}

/** Flags or close votes on a post, counted by reason, with the flaggers’ notes (each distinct note once). */
function Counts({
  label,
  rows,
}: {
  label: string;
  rows: { reason: string; count: number; text: string; notes: string[] }[];
}) {
  if (rows.length === 0) return null;
  return (
    <ul className="plain-list small" aria-label={label}>
      {rows.map((row) => (
        <li key={row.reason}>
          <strong>
            {row.count} × {row.text}
          </strong>
          {[...new Set(row.notes)].map((note) => (
            <q key={note} className="muted">
              {' '}
              {note}
            </q>
          ))}
        </li>
      ))}
    </ul>
  );
}

/** What an item is about: the post (linked), its state, author, and the flags, close or reopen votes on it. */
function Target({ item }: { item: Item }) {
  const { target } = item;
  const noun = target.type === 'question' ? 'Question' : target.type === 'answer' ? 'Answer on' : 'Reply on';
  const title = target.title ?? 'a deleted question';
  const marks = [target.deleted && 'deleted', target.hidden && 'hidden', target.closed && 'closed'].filter(
    (mark): mark is string => typeof mark === 'string',
  );
  return (
    <>
      <h2 className="review-title">
        {noun}{' '}
        {target.questionId === null ? title : <Link to={`/questions/${target.questionId}`}>{title}</Link>}
        {marks.length > 0 && <span className="muted small"> ({marks.join(', ')})</span>}
      </h2>
      <p className="meta">
        {target.author && (
          <>
            by <UserLink user={target.author} />{' '}
          </>
        )}
        in the queue <TimeAgo iso={item.createdAt} />
      </p>
      <Counts
        label="Flags"
        rows={item.flags.map((flag) => ({ ...flag, text: FLAG_REASON_LABELS[flag.reason] }))}
      />
      <Counts
        label="Close votes"
        rows={item.closeVotes.map((vote) => ({ ...vote, text: CLOSE_REASON_LABELS[vote.reason], notes: [] }))}
      />
      {item.reopenVotes > 0 && (
        <p className="small" data-testid="reopen-votes">
          <strong>{reopenVoteCount(item.reopenVotes)}</strong>
        </p>
      )}
      {item.suggestedEdit ? (
        <SuggestedEdit edit={item.suggestedEdit} />
      ) : (
        <blockquote className="review-body">{target.body}</blockquote>
      )}
    </>
  );
}

/**
 * One review item with the actions `review.resolve` accepts for it. A refusal shows the server's message;
 * when approving a suggestion is refused because the post changed (CONFLICT), the item is read again and
 * the reviewer may approve it against the new text.
 */
function ReviewItem({ item }: { item: Item }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [conflict, setConflict] = useState(false);
  const resolve = useMutation(
    trpc.review.resolve.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.review.pathFilter());
        await queryClient.invalidateQueries(trpc.question.pathFilter());
      },
      onError: async (error, input) => {
        if (errorCode(error) !== 'CONFLICT') return;
        setConflict(input.action === 'approve' && item.queue === 'suggested-edits');
        await queryClient.invalidateQueries(trpc.review.list.pathFilter());
      },
    }),
  );
  const decide = (action: Action, confirm = false) =>
    resolve.mutate({ id: item.id, action, ...(confirm ? { confirm } : {}) });
  return (
    <li>
      <article className="card stack" aria-label={`Review item ${item.id}`} data-testid="review-item">
        <Target item={item} />
        {item.decision ? (
          <p className="meta" data-testid="decision">
            Decided: {REVIEW_ACTION_LABELS[item.decision.action].done} by <UserLink user={item.decision.by} />{' '}
            <TimeAgo iso={item.decision.at} />
          </p>
        ) : (
          <div className="row">
            {item.actions.map((action) => (
              <button
                key={action}
                type="button"
                className={action === 'delete' ? 'btn btn--small btn--danger' : 'btn btn--small'}
                disabled={resolve.isPending}
                onClick={() => decide(action)}
              >
                {REVIEW_ACTION_LABELS[action].button}
              </button>
            ))}
            {conflict && item.actions.includes('approve') && (
              <button
                type="button"
                className="btn btn--small btn--primary"
                disabled={resolve.isPending}
                onClick={() => decide('approve', true)}
              >
                {CONFIRM_STALE_APPROVAL}
              </button>
            )}
          </div>
        )}
        <ErrorMessage error={resolve.error} />
      </article>
    </li>
  );
}

/** One queue's open items, oldest first, or (`decided`) the decisions taken, newest first. */
function QueueItems({ queue, decided }: { queue: Queue | undefined; decided: boolean }) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.review.list.infiniteQueryOptions(
      { ...(queue ? { queue } : {}), state: decided ? 'resolved' : 'open', limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  if (query.isPending) return <Loading />;
  // Without data the failure is the whole story; with data (a later page failed) it shows under the list.
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  return (
    <>
      {items.length === 0 ? (
        <Empty>{decided || !queue ? REVIEW_DECIDED.empty : REVIEW_QUEUE_EMPTY[queue]}</Empty>
      ) : (
        <ul className="plain-list stack">
          {items.map((item) => (
            <ReviewItem key={item.id} item={item} />
          ))}
        </ul>
      )}
      <LoadMore {...query} />
    </>
  );
}

/** The queues as tabs; moderators also see the decisions taken. */
function Review({ me }: { me: NonNullable<Me> }) {
  const privileges = usePrivileges();
  const [tab, setTab] = useState<Queue | 'decided'>('flags');
  const moderator = isModerator(me);
  if (!moderator && privileges.isPending) return <Loading />;
  if (!moderator && !hasPrivilege(privileges.data, 'review')) {
    const row = privileges.data?.privileges.find((entry) => entry.name === 'review');
    return (
      <p className="alert">
        {privilegeRefusal('review', row?.threshold ?? null, privileges.data?.reputation ?? 0)}
      </p>
    );
  }
  return (
    <>
      <div className="tabs" role="tablist" aria-label="Review queues">
        {QUEUES.map((queue) => (
          <button
            key={queue}
            type="button"
            role="tab"
            aria-selected={tab === queue}
            onClick={() => setTab(queue)}
          >
            {REVIEW_QUEUE_LABELS[queue]}
          </button>
        ))}
        {moderator && (
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'decided'}
            onClick={() => setTab('decided')}
          >
            {REVIEW_DECIDED.tab}
          </button>
        )}
      </div>
      <div role="tabpanel">
        <QueueItems key={tab} queue={tab === 'decided' ? undefined : tab} decided={tab === 'decided'} />
      </div>
    </>
  );
}

/** The review page (`/review`): moderators and users whose reputation earned `review`. */
export function ReviewPage() {
  useDocumentTitle('Review');
  return (
    <>
      <h1>Review</h1>
      <RequireUser>{(me) => <Review me={me} />}</RequireUser>
    </>
  );
}
