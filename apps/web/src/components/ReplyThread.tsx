import { REPLY_BODY_LENGTH } from '@devflow/contract/limits';
import { mergePages } from '@devflow/contract/thread-pages';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isModerator, type Me, useMe } from '../hooks/useMe';
import { blockedReason, hasPrivilege, usePrivileges } from '../hooks/usePrivileges';
import { useReplyReaction } from '../hooks/useReactions';
import { plural } from '../lib/format';
import { SHOWN_LEVELS, threadPath } from '../lib/thread';
import { childrenOf, countDescendants, indexThread, type ThreadIndex } from '../lib/tree';
import { type RouterInputs, type RouterOutputs, useTRPC } from '../lib/trpc';
import { SafeHtml } from './SafeHtml';
import { ErrorMessage, Loading } from './Status';
import { TimeAgo } from './TimeAgo';
import { UserLink } from './UserLink';
import { VoteButtons } from './VoteButtons';

/** A node of `reply.thread` (flat: its children are named by id). */
export type ReplyNode = RouterOutputs['reply']['thread']['items'][number];
type ThreadInput = RouterInputs['reply']['thread'];

/** A small textarea form for writing or editing a reply. */
function ReplyForm({
  label,
  initial = '',
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  label: string;
  initial?: string;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (body: string) => void;
  onCancel?: () => void;
}) {
  const id = useId();
  const [body, setBody] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (body.trim()) onSubmit(body.trim());
  };
  return (
    <form className="reply-form" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <textarea
        id={id}
        value={body}
        required
        maxLength={REPLY_BODY_LENGTH.max}
        placeholder={label}
        // The form opens because the user asked for it: put the caret there.
        // biome-ignore lint/a11y/noAutofocus: opened on demand by the "Reply"/"Edit" button.
        autoFocus
        onChange={(event) => setBody(event.target.value)}
      />
      <ErrorMessage error={error} />
      <div className="row">
        <button type="submit" className="btn btn--primary btn--small" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="btn btn--small" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/**
 * Mutations on the replies of one `reply.thread` query (the thread under a post, or a subtree on its own
 * page); every success refetches the thread and every subtree loaded from it.
 */
function useThreadMutations(query: ThreadInput) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // A key without `rootId` also matches the subtree queries of the same post (partial key match); every
  // loaded page is fetched again, each from the cursor of the refreshed page before it.
  const threadKey = trpc.reply.thread.infiniteQueryKey({
    targetType: query.targetType,
    targetId: query.targetId,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: threadKey });
  return {
    create: useMutation(trpc.reply.create.mutationOptions({ onSuccess: refresh })),
    update: useMutation(trpc.reply.update.mutationOptions({ onSuccess: refresh })),
    remove: useMutation(trpc.reply.delete.mutationOptions({ onSuccess: refresh })),
    react: useReplyReaction(query),
  };
}

type Mutations = ReturnType<typeof useThreadMutations>;

/** Where the thread goes on when a next page exists: under `parentId` (null: at the top level). */
type MorePages = { parentId: string | null; load: () => void; pending: boolean };

/** What every reply of one view shares: the thread, its index, the viewer, the mutations, the next page. */
type ViewProps = {
  thread: ThreadInput;
  questionId: string;
  index: ThreadIndex<ReplyNode>;
  me: Me;
  mutations: Mutations;
  more: MorePages | null;
};

/**
 * "Show more replies": loads the next page of the thread. It sits where that page goes on — after the
 * loaded children of the reply the page continues under, or after the top-level replies.
 */
function ShowMore({ more }: { more: MorePages }) {
  return (
    <button type="button" className="btn btn--link btn--small" disabled={more.pending} onClick={more.load}>
      {more.pending ? 'Loading more replies…' : 'Show more replies'}
    </button>
  );
}

/** Sibling replies, in order, each with its own subtree. */
function ReplyList({
  nodes,
  id,
  hidden,
  levelsBelow,
  ...view
}: ViewProps & {
  nodes: ReplyNode[];
  id?: string;
  hidden?: boolean;
  /** Levels under each of `nodes` that this view shows. */
  levelsBelow: number;
}) {
  return (
    <ul className="reply-list" id={id} hidden={hidden}>
      {nodes.map((node) => (
        <ReplyItem key={node.id} node={node} levelsBelow={levelsBelow} {...view} />
      ))}
    </ul>
  );
}

/**
 * One reply with its actions and, below it, its children (collapsible). Where the view stops — its last
 * level, or the thread's node cap — "Continue this thread" opens the replies below on their own page.
 */
function ReplyItem({
  node,
  levelsBelow,
  ...view
}: ViewProps & {
  node: ReplyNode;
  /** Levels under this node that the view shows; 0 on the last one, whose replies go on elsewhere. */
  levelsBelow: number;
}) {
  const { thread, questionId, index, me, mutations, more } = view;
  const navigate = useNavigate();
  const [mode, setMode] = useState<'view' | 'reply' | 'edit'>('view');
  const [collapsed, setCollapsed] = useState(false);
  const childrenId = useId();
  const children = childrenOf(index, node);
  const hidden = countDescendants(index, node);
  const continuePath = threadPath(questionId, thread, node.id);
  const privileges = usePrivileges().data;
  const canModify = Boolean(me && !node.deleted && (me.id === node.author.id || isModerator(me)));
  const canEdit = canModify || Boolean(me && !node.deleted && hasPrivilege(privileges, 'editOthers'));
  const replyBlocked = blockedReason(privileges, 'reply');
  return (
    <li className="reply" data-testid="reply" data-depth={node.depth}>
      <div className="meta">
        {node.deleted ? <span>[deleted]</span> : <UserLink user={node.author} />}
        <TimeAgo iso={node.createdAt} />
      </div>
      {node.deleted ? (
        <p className="reply__body reply__deleted">This reply was deleted.</p>
      ) : mode === 'edit' ? (
        <ReplyForm
          label="Edit your reply"
          initial={node.body}
          submitLabel="Save"
          pending={mutations.update.isPending}
          error={mutations.update.error}
          onCancel={() => setMode('view')}
          onSubmit={(body) =>
            mutations.update.mutate({ id: node.id, body }, { onSuccess: () => setMode('view') })
          }
        />
      ) : (
        <SafeHtml className="reply__body" html={node.bodyHtml} />
      )}
      <div className="row">
        {!node.deleted && (
          <VoteButtons
            compact
            noun="reply"
            counters={node}
            disabled={!me}
            likeBlocked={blockedReason(privileges, 'voteUp')}
            dislikeBlocked={blockedReason(privileges, 'voteDown')}
            onReact={(value) => mutations.react.mutate({ targetType: 'reply', targetId: node.id, value })}
          />
        )}
        {me && !node.deleted && (
          <button
            type="button"
            className="btn btn--link btn--small"
            disabled={replyBlocked !== null}
            title={replyBlocked ?? undefined}
            onClick={() => setMode(mode === 'reply' ? 'view' : 'reply')}
          >
            Reply
          </button>
        )}
        {canEdit && !canModify && (
          <button type="button" className="btn btn--link btn--small" onClick={() => setMode('edit')}>
            Edit
          </button>
        )}
        {canModify && (
          <>
            <button type="button" className="btn btn--link btn--small" onClick={() => setMode('edit')}>
              Edit
            </button>
            <button
              type="button"
              className="btn btn--link btn--small btn--danger"
              disabled={mutations.remove.isPending}
              onClick={() => {
                if (window.confirm('Delete this reply? Replies to it stay visible.'))
                  mutations.remove.mutate({ id: node.id });
              }}
            >
              Delete
            </button>
          </>
        )}
        {children.length > 0 && (
          <button
            type="button"
            className="btn btn--link btn--small"
            aria-expanded={!collapsed}
            aria-controls={childrenId}
            onClick={() => setCollapsed(!collapsed)}
          >
            {`${collapsed ? 'Show' : 'Hide'} ${plural(hidden, 'reply', 'replies')}`}
          </button>
        )}
      </div>
      {mode === 'reply' && (
        <ReplyForm
          label={`Reply to ${node.author.username}`}
          submitLabel="Post reply"
          pending={mutations.create.isPending}
          error={mutations.create.error}
          onCancel={() => setMode('view')}
          onSubmit={(body) =>
            mutations.create.mutate(
              { targetType: thread.targetType, targetId: thread.targetId, parentId: node.id, body },
              {
                onSuccess: () => {
                  setMode('view');
                  setCollapsed(false);
                  // On the last shown level the new reply is deeper than this view: show it where it is.
                  if (levelsBelow === 0) void navigate(continuePath);
                },
              },
            )
          }
        />
      )}
      {children.length > 0 && (
        <ReplyList
          nodes={children}
          id={childrenId}
          hidden={collapsed}
          levelsBelow={levelsBelow - 1}
          {...view}
        />
      )}
      {more && more.parentId === node.id && <ShowMore more={more} />}
      {/* Children cut by the view's last level go on on their own page (a page end is "Show more"). */}
      {node.moreReplies && levelsBelow === 0 && (
        <Link className="btn btn--link btn--small" to={continuePath}>
          Continue this thread →
        </Link>
      )}
    </li>
  );
}

/**
 * The nested reply thread under a question or an answer (`reply.thread`: its first page, then the next
 * ones on demand with "Show more replies" where each goes on), `SHOWN_LEVELS` levels deep, with "Reply" at every level, collapse/expand per branch, votes, and edit/delete for authors
 * and moderators. With `rootId` it shows the subtree rooted at that reply instead (the "Continue this
 * thread" page), with a link one level up.
 */
export function ReplyThread({
  targetType,
  targetId,
  questionId,
  rootId,
}: {
  targetType: ThreadInput['targetType'];
  targetId: string;
  /** The question the thread belongs to (the pages' links start with it). */
  questionId: string;
  rootId?: string;
}) {
  const trpc = useTRPC();
  const me = useMe().data ?? null;
  const replyBlocked = blockedReason(usePrivileges().data, 'reply');
  const thread: ThreadInput = {
    targetType,
    targetId,
    maxDepth: SHOWN_LEVELS,
    ...(rootId === undefined ? {} : { rootId }),
  };
  const query = useInfiniteQuery(
    trpc.reply.thread.infiniteQueryOptions(thread, { getNextPageParam: (page) => page.nextCursor }),
  );
  const mutations = useThreadMutations(thread);
  const index = useMemo(() => indexThread(mergePages(query.data?.pages ?? [])), [query.data]);
  const lastPage = query.data?.pages.at(-1);
  const more: MorePages | null =
    query.hasNextPage && lastPage
      ? {
          parentId: lastPage.nextParentId,
          load: () => void query.fetchNextPage(),
          pending: query.isFetchingNextPage,
        }
      : null;
  const [writing, setWriting] = useState(false);
  const parentId = rootId === undefined ? null : (index.roots[0]?.parentId ?? null);
  return (
    <section
      className={rootId === undefined ? 'replies' : 'replies replies--page'}
      aria-label={`Replies to this ${targetType}`}
    >
      {parentId !== null && (
        <p>
          <Link to={threadPath(questionId, thread, parentId)}>↑ Up one level</Link>
        </p>
      )}
      {query.isPending ? (
        <Loading label="Loading replies…" />
      ) : !query.data ? (
        <ErrorMessage error={query.error} retry={() => query.refetch()} />
      ) : index.roots.length > 0 ? (
        <ReplyList
          nodes={index.roots}
          levelsBelow={SHOWN_LEVELS - 1}
          thread={thread}
          questionId={questionId}
          index={index}
          me={me}
          mutations={mutations}
          more={more}
        />
      ) : null}
      {/* A later page that failed shows under the replies loaded so far. */}
      {query.data && <ErrorMessage error={query.error} />}
      {more && more.parentId === null && <ShowMore more={more} />}
      {me &&
        rootId === undefined &&
        (writing ? (
          <ReplyForm
            label={`Reply to this ${targetType}`}
            submitLabel="Post reply"
            pending={mutations.create.isPending}
            error={mutations.create.error}
            onCancel={() => setWriting(false)}
            onSubmit={(body) =>
              mutations.create.mutate({ targetType, targetId, body }, { onSuccess: () => setWriting(false) })
            }
          />
        ) : (
          <button
            type="button"
            className="btn btn--link btn--small"
            disabled={replyBlocked !== null}
            title={replyBlocked ?? undefined}
            onClick={() => setWriting(true)}
          >
            Add a reply
          </button>
        ))}
    </section>
  );
}
