import { ErrorMessage } from './Status';

/**
 * The foot of a paged list (TanStack `useInfiniteQuery`, spread in): the error of a page that failed to
 * load after the first one, and the "Load more" button while more pages follow.
 */
export function LoadMore({
  error,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
}: {
  error: unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}) {
  return (
    <>
      <ErrorMessage error={error} />
      {hasNextPage && (
        <p style={{ textAlign: 'center' }}>
          <button type="button" className="btn" onClick={() => fetchNextPage()} disabled={isFetchingNextPage}>
            {isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </p>
      )}
    </>
  );
}
