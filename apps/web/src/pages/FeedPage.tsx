import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { LoadMore } from '../components/LoadMore';
import { RequireUser } from '../components/RequireUser';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { TimeAgo } from '../components/TimeAgo';
import { UserLink } from '../components/UserLink';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { type RouterOutputs, useTRPC } from '../lib/trpc';

type FeedItem = RouterOutputs['feed']['list']['items'][number];

/** One feed entry: who asked or answered what, and when. */
function FeedEntry({ item }: { item: FeedItem }) {
  return (
    <li data-testid="feed-item">
      <div className="meta">
        <UserLink user={item.author} />
        <span>{item.type === 'question' ? 'asked' : 'answered'}</span>
        <TimeAgo iso={item.createdAt} />
      </div>
      <Link to={`/questions/${item.questionId}`}>{item.title}</Link>
      {item.excerpt && <p className="question-item__excerpt">{item.excerpt}</p>}
    </li>
  );
}

/** Questions and answers by the people the user follows, newest first. */
function FeedList() {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.feed.list.infiniteQueryOptions({ limit: 20 }, { getNextPageParam: (page) => page.nextCursor }),
  );
  if (query.isPending) return <Loading label="Loading your feed…" />;
  // Without data the failure is the whole story; with data (a later page failed) it shows under the list.
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <Empty>
        Your feed is empty. Follow people from their profile to see their questions and answers here.
      </Empty>
    );
  }
  return (
    <>
      <ul className="plain-list card">
        {items.map((item) => (
          <FeedEntry key={`${item.type}-${item.id}`} item={item} />
        ))}
      </ul>
      <ErrorMessage error={query.error} />
      <LoadMore {...query} />
    </>
  );
}

/** The feed page (signed-in users). */
export function FeedPage() {
  useDocumentTitle('Your feed');
  return (
    <>
      <h1>Your feed</h1>
      <RequireUser>{() => <FeedList />}</RequireUser>
    </>
  );
}
