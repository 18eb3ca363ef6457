import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../lib/trpc';
import { ErrorMessage } from './Status';

/**
 * What the signed-in user watches (`watch.list`), shared by every watch button on the page, and the
 * callback that refreshes it after a change.
 */
function useWatches() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const watches = useQuery(trpc.watch.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries(trpc.watch.list.pathFilter());
  return { watches, refresh };
}

/** A mutation as the toggle needs it: whether it runs, and its error. */
type Pending = { isPending: boolean; error: unknown };

/** The toggle both watch buttons show: pressed while watching, disabled while anything loads or saves. */
function WatchToggle({
  watching,
  loading,
  changes,
  label,
  title,
  onToggle,
}: {
  watching: boolean;
  loading: boolean;
  changes: [Pending, Pending];
  label: string;
  title?: string;
  onToggle: () => void;
}) {
  const [watch, unwatch] = changes;
  return (
    <>
      <button
        type="button"
        className="btn btn--small"
        aria-pressed={watching}
        disabled={loading || watch.isPending || unwatch.isPending}
        title={title}
        onClick={onToggle}
      >
        {label}
      </button>
      <ErrorMessage error={watch.error ?? unwatch.error} />
    </>
  );
}

/** A toggle that watches or stops watching a question; its new answers reach the feed and notifications. */
export function WatchQuestionButton({ questionId }: { questionId: string }) {
  const trpc = useTRPC();
  const { watches, refresh } = useWatches();
  const watch = useMutation(trpc.watch.question.mutationOptions({ onSuccess: refresh }));
  const unwatch = useMutation(trpc.watch.unquestion.mutationOptions({ onSuccess: refresh }));
  const watching = watches.data?.questions.some((q) => q.id === questionId) ?? false;
  return (
    <WatchToggle
      watching={watching}
      loading={watches.isPending}
      changes={[watch, unwatch]}
      label={watching ? 'Watching' : 'Watch'}
      title="Watch: new answers reach your feed and notifications"
      onToggle={() => (watching ? unwatch : watch).mutate({ questionId })}
    />
  );
}

/** A toggle that watches or stops watching a tag; its new questions reach the feed and notifications. */
export function WatchTagButton({ tag }: { tag: string }) {
  const trpc = useTRPC();
  const { watches, refresh } = useWatches();
  const watch = useMutation(trpc.watch.tag.mutationOptions({ onSuccess: refresh }));
  const unwatch = useMutation(trpc.watch.untag.mutationOptions({ onSuccess: refresh }));
  const watching = watches.data?.tags.some((t) => t.slug === tag) ?? false;
  return (
    <WatchToggle
      watching={watching}
      loading={watches.isPending}
      changes={[watch, unwatch]}
      label={watching ? `Watching “${tag}”` : `Watch “${tag}”`}
      onToggle={() => (watching ? unwatch : watch).mutate({ tag })}
    />
  );
}

/**
 * Saves a question or an answer to the user's bookmarks (or removes it again). The page does not know
 * whether the post was saved before, so it starts at "Save"; saving is idempotent.
 */
export function BookmarkButton({
  targetType,
  targetId,
}: {
  targetType: 'question' | 'answer';
  targetId: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const onSuccess = (state: { bookmarked: boolean }) => {
    setSaved(state.bookmarked);
    return queryClient.invalidateQueries(trpc.bookmark.list.pathFilter());
  };
  const add = useMutation(trpc.bookmark.add.mutationOptions({ onSuccess }));
  const remove = useMutation(trpc.bookmark.remove.mutationOptions({ onSuccess }));
  return (
    <>
      <button
        type="button"
        className="btn btn--small"
        aria-pressed={saved}
        disabled={add.isPending || remove.isPending}
        onClick={() => (saved ? remove : add).mutate({ targetType, targetId })}
      >
        {saved ? 'Saved' : 'Save'}
      </button>
      <ErrorMessage error={add.error ?? remove.error} />
    </>
  );
}
