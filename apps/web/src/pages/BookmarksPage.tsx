import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { LoadMore } from '../components/LoadMore';
import { RequireUser } from '../components/RequireUser';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { TimeAgo } from '../components/TimeAgo';
import { UserLink } from '../components/UserLink';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useTRPC } from '../lib/trpc';

/** The user's saved questions and answers, newest saved first, each removable. */
function BookmarkList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(
    trpc.bookmark.list.infiniteQueryOptions({ limit: 20 }, { getNextPageParam: (page) => page.nextCursor }),
  );
  const remove = useMutation(
    trpc.bookmark.remove.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.bookmark.list.pathFilter()),
    }),
  );
  if (query.isPending) return <Loading label="Loading your saved posts…" />;
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return <Empty>Nothing saved yet. Press “Save” on a question or an answer to keep it here.</Empty>;
  }
  return (
    <>
      <ErrorMessage error={remove.error} />
      <ul className="plain-list card">
        {items.map((item) => (
          <li key={`${item.targetType}-${item.targetId}`} data-testid="bookmark">
            <div className="meta">
              <span>{item.targetType === 'question' ? 'Question' : 'Answer'} by</span>
              <UserLink user={item.author} />
              <TimeAgo iso={item.savedAt} prefix="saved" />
            </div>
            <Link to={`/questions/${item.questionId}`}>{item.title}</Link>
            {item.excerpt && <p className="question-item__excerpt">{item.excerpt}</p>}
            <button
              type="button"
              className="btn btn--link btn--small"
              disabled={remove.isPending}
              onClick={() => remove.mutate({ targetType: item.targetType, targetId: item.targetId })}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <LoadMore {...query} />
    </>
  );
}

/** The bookmarks page (signed-in users; private). */
export function BookmarksPage() {
  useDocumentTitle('Saved posts');
  return (
    <>
      <h1>Saved posts</h1>
      <RequireUser>{() => <BookmarkList />}</RequireUser>
    </>
  );
}
