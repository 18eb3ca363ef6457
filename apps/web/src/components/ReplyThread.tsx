import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { isModerator, type Me, useMe } from '../hooks/useMe';
import { useReplyReaction } from '../hooks/useReactions';
import { plural } from '../lib/format';
import { SHOWN_LEVELS } from '../lib/thread';
import { countDescendants } from '../lib/tree';
import { type RouterInputs, type RouterOutputs, useTRPC } from '../lib/trpc';
import { SafeHtml } from './SafeHtml';
import { ErrorMessage, Loading } from './Status';
import { TimeAgo } from './TimeAgo';
import { UserLink } from './UserLink';
import { VoteButtons } from './VoteButtons';

/** A node of `reply.thread`. */
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
        maxLength={10_000}
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
 * Mutations on the replies of one `reply.thread` query (the whole thread, or a subtree loaded with
 * "Show more replies"); every success refetches the thread and every subtree loaded from it.
 */
function useThreadMutations(query: ThreadInput) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // A key without `rootId` also matches the subtree queries of the same post (partial key match).
  const threadKey = trpc.reply.thread.queryKey({ targetType: query.targetType, targetId: query.targetId });
  const refresh = () => queryClient.invalidateQueries({ queryKey: threadKey });
  return {
    create: useMutation(trpc.reply.create.mutationOptions({ onSuccess: refresh })),
    update: useMutation(trpc.reply.update.mutationOptions({ onSuccess: refresh })),
    remove: useMutation(trpc.reply.delete.mutationOptions({ onSuccess: refresh })),
    react: useReplyReaction(query),
  };
}

type Mutations = ReturnType<typeof useThreadMutations>;

/**
 * The children of `node` that the thread left out (`moreReplies`), loaded on demand with
 * `reply.thread({ rootId: node.id })` and shown in place of the ones already there.
 */
function MoreReplies({
  node,
  thread,
  me,
  listId,
  hidden,
}: {
  node: ReplyNode;
  thread: ThreadInput;
  me: Me;
  listId: string;
  hidden: boolean;
}) {
  const trpc = useTRPC();
  const input: ThreadInput = {
    targetType: thread.targetType,
    targetId: thread.targetId,
    rootId: node.id,
    maxDepth: SHOWN_LEVELS,
  };
  const query = useQuery(trpc.reply.thread.queryOptions(input));
  const mutations = useThreadMutations(input);
  if (query.isPending) return <Loading label="Loading replies…" />;
  if (query.isError) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  return (
    <ReplyList
      nodes={query.data.items[0]?.children ?? []}
      id={listId}
      hidden={hidden}
      thread={thread}
      me={me}
      mutations={mutations}
      levelsBelow={SHOWN_LEVELS - 2}
    />
  );
}

/** Sibling replies, in order, each with its own subtree. */
function ReplyList({
  nodes,
  id,
  hidden,
  ...item
}: {
  nodes: ReplyNode[];
  id?: string;
  hidden?: boolean;
  thread: ThreadInput;
  me: Me;
  mutations: Mutations;
  /** Levels under each of `nodes` that their query loaded. */
  levelsBelow: number;
}) {
  return (
    <ul className="reply-list" id={id} hidden={hidden}>
      {nodes.map((node) => (
        <ReplyItem key={node.id} node={node} {...item} />
      ))}
    </ul>
  );
}

/** One reply with its actions and, below it, its children (collapsible), or a way to load them. */
function ReplyItem({
  node,
  thread,
  me,
  mutations,
  levelsBelow,
}: {
  node: ReplyNode;
  thread: ThreadInput;
  me: Me;
  mutations: Mutations;
  /** Levels under this node that its query loaded; 0 on the last one, whose new replies it cannot show. */
  levelsBelow: number;
}) {
  const [mode, setMode] = useState<'view' | 'reply' | 'edit'>('view');
  const [collapsed, setCollapsed] = useState(false);
  const [showMore, setShowMore] = useState(false);
  const childrenId = useId();
  const hidden = countDescendants(node);
  const canModify = Boolean(me && !node.deleted && (me.id === node.author.id || isModerator(me)));
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
            onReact={(value) => mutations.react.mutate({ targetType: 'reply', targetId: node.id, value })}
          />
        )}
        {me && !node.deleted && (
          <button
            type="button"
            className="btn btn--link btn--small"
            onClick={() => setMode(mode === 'reply' ? 'view' : 'reply')}
          >
            Reply
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
        {(node.children.length > 0 || showMore) && (
          <button
            type="button"
            className="btn btn--link btn--small"
            aria-expanded={!collapsed}
            aria-controls={childrenId}
            onClick={() => setCollapsed(!collapsed)}
          >
            {/* Loaded replies are counted by their own query: no number then. */}
            {`${collapsed ? 'Show' : 'Hide'} ${showMore ? 'replies' : plural(hidden, 'reply', 'replies')}`}
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
                  // On the last shown level the new reply is deeper than the thread query reaches.
                  if (levelsBelow === 0) setShowMore(true);
                },
              },
            )
          }
        />
      )}
      {showMore ? (
        <MoreReplies node={node} thread={thread} me={me} listId={childrenId} hidden={collapsed} />
      ) : (
        node.children.length > 0 && (
          <ReplyList
            nodes={node.children}
            id={childrenId}
            hidden={collapsed}
            thread={thread}
            me={me}
            mutations={mutations}
            levelsBelow={levelsBelow - 1}
          />
        )
      )}
      {node.moreReplies && !showMore && (
        <button
          type="button"
          className="btn btn--link btn--small"
          onClick={() => {
            setShowMore(true);
            setCollapsed(false);
          }}
        >
          Show more replies
        </button>
      )}
    </li>
  );
}

/**
 * The nested reply thread under a question or an answer (`reply.thread`, one query), with "Reply" at
 * every level, collapse/expand per branch, votes, and edit/delete for authors and moderators.
 */
export function ReplyThread({ targetType, targetId }: ThreadInput) {
  const trpc = useTRPC();
  const me = useMe().data ?? null;
  const thread: ThreadInput = { targetType, targetId, maxDepth: SHOWN_LEVELS };
  const query = useQuery(trpc.reply.thread.queryOptions(thread));
  const mutations = useThreadMutations(thread);
  const [writing, setWriting] = useState(false);
  return (
    <section className="replies" aria-label={`Replies to this ${targetType}`}>
      {query.isPending ? (
        <Loading label="Loading replies…" />
      ) : query.isError ? (
        <ErrorMessage error={query.error} retry={() => query.refetch()} />
      ) : query.data.items.length > 0 ? (
        <ReplyList
          nodes={query.data.items}
          thread={thread}
          me={me}
          mutations={mutations}
          levelsBelow={SHOWN_LEVELS - 1}
        />
      ) : null}
      {me &&
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
          <button type="button" className="btn btn--link btn--small" onClick={() => setWriting(true)}>
            Add a reply
          </button>
        ))}
    </section>
  );
}
