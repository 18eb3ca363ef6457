import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../lib/trpc';
import { ErrorMessage } from './Status';

/** What the signed-in user watches (`watch.list`), shared by every watch button on the page. */
function useWatches() {
  const trpc = useTRPC();
  return useQuery(trpc.watch.list.queryOptions());
}

/** A toggle that watches or stops watching a question; its new answers reach the feed and notifications. */
export function WatchQuestionButton({ questionId }: { questionId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const watches = useWatches();
  const refresh = () => queryClient.invalidateQueries(trpc.watch.list.pathFilter());
  const watch = useMutation(trpc.watch.question.mutationOptions({ onSuccess: refresh }));
  const unwatch = useMutation(trpc.watch.unquestion.mutationOptions({ onSuccess: refresh }));
  const watching = watches.data?.questions.some((q) => q.id === questionId) ?? false;
  const busy = watches.isPending || watch.isPending || unwatch.isPending;
  return (
    <>
      <button
        type="button"
        className="btn btn--small"
        aria-pressed={watching}
        disabled={busy}
        title="Watch: new answers reach your feed and notifications"
        onClick={() => (watching ? unwatch : watch).mutate({ questionId })}
      >
        {watching ? 'Watching' : 'Watch'}
      </button>
      <ErrorMessage error={watch.error ?? unwatch.error} />
    </>
  );
}

/** A toggle that watches or stops watching a tag; its new questions reach the feed and notifications. */
export function WatchTagButton({ tag }: { tag: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const watches = useWatches();
  const refresh = () => queryClient.invalidateQueries(trpc.watch.list.pathFilter());
  const watch = useMutation(trpc.watch.tag.mutationOptions({ onSuccess: refresh }));
  const unwatch = useMutation(trpc.watch.untag.mutationOptions({ onSuccess: refresh }));
  const watching = watches.data?.tags.some((t) => t.slug === tag) ?? false;
  const busy = watches.isPending || watch.isPending || unwatch.isPending;
  return (
    <>
      <button
        type="button"
        className="btn btn--small"
        aria-pressed={watching}
        disabled={busy}
        onClick={() => (watching ? unwatch : watch).mutate({ tag })}
      >
        {watching ? `Watching “${tag}”` : `Watch “${tag}”`}
      </button>
      <ErrorMessage error={watch.error ?? unwatch.error} />
    </>
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
