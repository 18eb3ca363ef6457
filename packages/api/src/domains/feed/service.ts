import type { feedListInput, feedListOutput } from '@devflow/contract';
import { toId, toIso } from '@devflow/contract';
import { type FeedCursor, type FeedRow, loadFeed, toDate } from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { decodeCursor, feedCursor, toPage } from '../../platform/pagination';
import type { SessionUser } from '../../trpc/context';
import { excerptOf } from '../posts/posts';

/**
 * The caller's feed: questions and answers by the users they follow, new questions in the tags they
 * watch and new answers on the questions they watch (`input.source` picks; each post once), newest
 * first, keyset-paginated on (createdAt, type, id). See `loadFeed` for the plan that keeps it fast for large followings.
 */
export async function listFeed(
  deps: ApiDeps,
  viewer: SessionUser,
  input: z.infer<typeof feedListInput>,
): Promise<z.infer<typeof feedListOutput>> {
  const decoded = input.cursor ? decodeCursor(input.cursor, feedCursor) : null;
  const cursor: FeedCursor | null = decoded
    ? { createdAt: decoded[0], type: decoded[1], id: decoded[2] }
    : null;
  const rows = await loadFeed(deps.db, {
    userId: viewer.id,
    cursor,
    limit: input.limit + 1,
    source: input.source,
  });
  return toFeedPage(rows, input.limit);
}

/**
 * A feed page from `loadFeed`'s rows (up to `limit + 1`): the items, and the cursor of the last shown
 * one when another page follows. Exported so the bench's bare twin shapes its rows alike
 * (bench/queries-feed.ts).
 */
export function toFeedPage(rows: FeedRow[], limit: number): z.infer<typeof feedListOutput> {
  return toPage(
    rows,
    limit,
    (row) => ({
      type: row.type,
      id: toId(Number(row.id)),
      questionId: toId(Number(row.question_id)),
      title: row.title,
      excerpt: excerptOf(row.body_head),
      author: {
        id: toId(Number(row.author_id)),
        username: row.username,
        displayName: row.display_name,
        avatarUrl: row.avatar_url,
      },
      createdAt: toIso(toDate(row.created_at)),
      score: Number(row.score),
      ...(row.type === 'question' ? { answerCount: Number(row.answer_count ?? 0) } : {}),
    }),
    (row) => [row.cursor_at, row.type, Number(row.id)],
  );
}
