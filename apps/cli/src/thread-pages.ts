import type { RouterInputs } from '@devflow/client';
import { mergePages } from '@devflow/contract/thread-pages';
import type { ThreadPage } from './render';
import type { Session } from './session';

type ThreadInput = RouterInputs['reply']['thread'];

/**
 * Reads a thread for `devflow show`: its first page, or with `all` every page in turn (one request per
 * page, following `nextCursor`), joined into one page as if the server had sent it whole.
 */
export async function readThread(
  client: Session['client'],
  input: ThreadInput & { maxDepth: number },
  all: boolean,
): Promise<ThreadPage> {
  const first = await client.reply.thread.query(input);
  if (!all) return first;
  const pages = [first];
  for (let page = first; page.nextCursor !== null; ) {
    page = await client.reply.thread.query({ ...input, cursor: page.nextCursor });
    pages.push(page);
  }
  return wholeThread(pages, input.maxDepth);
}

/**
 * The pages of one thread, read to the end, as one page: each reply lists its children from every page,
 * and only replies on the last level asked for (`maxDepth`) keep `moreReplies` — every other branch the
 * pages cut was continued by a later page.
 */
export function wholeThread(pages: readonly ThreadPage[], maxDepth: number): ThreadPage {
  const merged = mergePages(pages);
  const firstDepth = merged[0]?.depth ?? 0;
  const items = merged.map((reply) =>
    reply.moreReplies && reply.depth - firstDepth + 1 < maxDepth ? { ...reply, moreReplies: false } : reply,
  );
  return {
    items,
    truncated: items.some((reply) => reply.moreReplies),
    total: pages[0]?.total ?? 0,
    nextCursor: null,
    nextParentId: null,
  };
}
