import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { LoadMore } from '../components/LoadMore';
import { QuestionList } from '../components/QuestionSummary';
import { ErrorMessage, Loading } from '../components/Status';
import { WatchTagButton } from '../components/WatchButtons';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useMe } from '../hooks/useMe';
import { type RouterInputs, useTRPC } from '../lib/trpc';

/** The sort orders of `question.list`. */
type Sort = RouterInputs['question']['list']['sort'];

const SORTS: { value: NonNullable<Sort>; label: string }[] = [
  { value: 'newest', label: 'Newest' },
  { value: 'top', label: 'Top' },
  { value: 'unanswered', label: 'Unanswered' },
  { value: 'active', label: 'Active' },
];

const PAGE_SIZE = 20;

function isSort(value: string | null): value is NonNullable<Sort> {
  return SORTS.some((sort) => sort.value === value);
}

/** Questions for a sort order and optional tag, page by page. */
function BrowseList({ sort, tag }: { sort: NonNullable<Sort>; tag: string | null }) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.question.list.infiniteQueryOptions(
      { sort, limit: PAGE_SIZE, ...(tag ? { tag } : {}) },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  if (query.isPending) return <Loading label="Loading questions…" />;
  // Without data the failure is the whole story; with data (a later page failed) it shows under the list.
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  return (
    <>
      <QuestionList items={items} empty={tag ? `No questions tagged “${tag}” yet.` : 'No questions yet.'} />
      <LoadMore {...query} />
    </>
  );
}

/** Full-text search results, ranked by relevance, page by page. */
function SearchList({ q }: { q: string }) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.question.search.infiniteQueryOptions(
      { q, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  if (query.isPending) return <Loading label="Searching…" />;
  // Without data the failure is the whole story; with data (a later page failed) it shows under the list.
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  return (
    <>
      <QuestionList items={items} empty={`No questions match “${q}”.`} />
      <LoadMore {...query} />
    </>
  );
}

/** A small form that filters the list by one tag (`?tag=`). */
function TagFilter({ tag, onChange }: { tag: string | null; onChange: (tag: string | null) => void }) {
  const signedIn = Boolean(useMe().data);
  const [value, setValue] = useState(tag ?? '');
  useEffect(() => setValue(tag ?? ''), [tag]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const slug = value.trim().toLowerCase();
    onChange(slug || null);
  };
  return (
    <form className="filters" onSubmit={submit}>
      <div className="field">
        <label htmlFor="tag-filter">Filter by tag</label>
        <input
          id="tag-filter"
          placeholder="e.g. typescript"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      </div>
      <button type="submit" className="btn">
        Filter
      </button>
      {tag && (
        <button type="button" className="btn btn--link" onClick={() => onChange(null)}>
          Clear tag “{tag}”
        </button>
      )}
      {tag && signedIn && <WatchTagButton tag={tag} />}
    </form>
  );
}

/** The most used tags, each a link that filters the list. */
function PopularTags({ current }: { current: string | null }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.tag.popular.queryOptions({ limit: 15 }));
  return (
    <aside className="card" aria-labelledby="popular-tags">
      <h2 id="popular-tags">Popular tags</h2>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorMessage error={query.error} retry={() => query.refetch()} />
      ) : query.data.length === 0 ? (
        <p className="muted small">No tags yet.</p>
      ) : (
        <ul className="tag-list">
          {query.data.map((tag) => (
            <li key={tag.slug}>
              <Link
                className="tag"
                to={`/?tag=${encodeURIComponent(tag.slug)}`}
                aria-current={tag.slug === current ? 'page' : undefined}
              >
                {tag.slug} <span className="muted">×{tag.usageCount}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

/** Home: sort tabs, tag filter, search results when `?q=` is set, and "Load more". */
export function HomePage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const tag = params.get('tag');
  const sortParam = params.get('sort');
  const sort = isSort(sortParam) ? sortParam : 'newest';
  useDocumentTitle(q ? `Search: ${q}` : tag ? `Questions tagged ${tag}` : 'Questions');

  const setTag = (next: string | null) => {
    const copy = new URLSearchParams(params);
    if (next) copy.set('tag', next);
    else copy.delete('tag');
    setParams(copy);
  };
  const sortHref = (value: string) => {
    const copy = new URLSearchParams(params);
    copy.set('sort', value);
    copy.delete('q');
    return `/?${copy.toString()}`;
  };

  return (
    <>
      <div className="page-head">
        <h1>{q ? `Results for “${q}”` : tag ? `Questions tagged “${tag}”` : 'All questions'}</h1>
        <Link to="/ask" className="btn btn--primary">
          Ask a question
        </Link>
      </div>
      <div className="layout-2">
        <div>
          {q ? (
            <>
              <p>
                <Link to="/">← Back to all questions</Link>
              </p>
              <SearchList q={q} />
            </>
          ) : (
            <>
              <nav className="tabs" aria-label="Sort questions">
                {SORTS.map((option) => (
                  <Link
                    key={option.value}
                    to={sortHref(option.value)}
                    aria-current={option.value === sort ? 'page' : undefined}
                  >
                    {option.label}
                  </Link>
                ))}
              </nav>
              <TagFilter tag={tag} onChange={setTag} />
              <BrowseList sort={sort} tag={tag} />
            </>
          )}
        </div>
        <PopularTags current={tag} />
      </div>
    </>
  );
}
