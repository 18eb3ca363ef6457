/**
 * The bare baseline's twin of `feed.list`'s first page with the default input (bench/queries.ts has the
 * question twins): `loadFeed`'s one statement, rendered once from `@devflow/db`'s `feedStatement` for the
 * default limit and sources with the reader's id a placeholder, bound per request, and the page shaped by
 * the API's own `toFeedPage`. It takes the reader's id where the procedure reads the session.
 */
import { feedListInput, toFeedPage } from '@devflow/api';
import { type FeedRow, feedStatement } from '@devflow/db';
import { fillPlaceholders, sql } from 'drizzle-orm';
import type { RunRows } from './queries';
import { renderTemplate } from './render';

/** `feed.list`'s input when the request gives none: the default limit and sources, page 1. */
const firstPageInput = feedListInput.parse({});

const firstPage = renderTemplate(
  feedStatement({
    userId: sql.placeholder('userId'),
    cursor: null,
    limit: firstPageInput.limit + 1,
    source: firstPageInput.source,
  }),
);

/** `feed.list`'s first page (default input) for the reader `userId`, with its `nextCursor`. */
export async function feedFirst(rows: RunRows, userId: number) {
  const found = await rows<FeedRow>(firstPage.sql, fillPlaceholders(firstPage.params, { userId }));
  return toFeedPage(found, firstPageInput.limit);
}
