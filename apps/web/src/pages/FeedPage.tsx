import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { LoadMore } from '../components/LoadMore';
import { RequireUser } from '../components/RequireUser';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { TimeAgo } from '../components/TimeAgo';
import { UserLink } from '../components/UserLink';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { type RouterInputs, type RouterOutputs, useTRPC } from '../lib/trpc';

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

/** Where feed items come from (`feed.list` `source`). */
type Source = NonNullable<RouterInputs['feed']['list']['source']>;

const SOURCES: { value: Source; label: string }[] = [
  { value: 'all', label: 'Everything' },
  { value: 'people', label: 'People I follow' },
  { value: 'tags', label: 'Tags I watch' },
  { value: 'questions', label: 'Questions I watch' },
];

/** Questions and answers by the people the user follows and in what they watch, newest first. */
function FeedList({ source }: { source: Source }) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.feed.list.infiniteQueryOptions(
      { limit: 20, source },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  if (query.isPending) return <Loading label="Loading your feed…" />;
  // Without data the failure is the whole story; with data (a later page failed) it shows under the list.
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <Empty>
        Nothing here yet. Follow people from their profile, or watch tags and questions, to see what is new
        here.
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
      <LoadMore {...query} />
    </>
  );
}

/** The feed page (signed-in users). */
export function FeedPage() {
  useDocumentTitle('Your feed');
  const [params, setParams] = useSearchParams();
  const source = SOURCES.find((s) => s.value === params.get('source'))?.value ?? 'all';
  return (
    <>
      <h1>Your feed</h1>
      <fieldset
        className="row"
        aria-label="Feed source"
        style={{ marginBottom: '0.5rem', border: 0, padding: 0 }}
      >
        {SOURCES.map((s) => (
          <button
            key={s.value}
            type="button"
            className="btn btn--small"
            aria-pressed={s.value === source}
            onClick={() => setParams(s.value === 'all' ? {} : { source: s.value })}
          >
            {s.label}
          </button>
        ))}
      </fieldset>
      <RequireUser>{() => <FeedList source={source} />}</RequireUser>
    </>
  );
}
