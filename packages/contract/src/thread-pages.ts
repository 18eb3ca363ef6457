/**
 * Paged `reply.thread` answers joined back into one flat thread, for every client that reads pages
 * (the web app's thread view, the CLI's `show --all`). Zod-free, so the web can import it.
 */

/** What joining pages needs of a reply: its id, its parent's, and its children on its own page. */
export type PagedNode = { id: string; parentId: string | null; children: readonly string[] };

/**
 * Joins the pages of one `reply.thread` query into one flat thread. A page's replies whose parent an
 * earlier page returned are added to that parent's `children` (pages go on depth-first, so they come
 * after the children it already lists); a reply listed twice keeps its first place.
 */
export function mergePages<T extends PagedNode>(pages: readonly { items: readonly T[] }[]): T[] {
  const merged: T[] = [];
  // Where each node sits in `merged`, and the page that brought it.
  const placed = new Map<string, { at: number; page: number }>();
  for (const [pageIndex, page] of pages.entries()) {
    for (const node of page.items) {
      if (placed.has(node.id)) continue;
      const parent = node.parentId === null ? undefined : placed.get(node.parentId);
      const parentNode = parent === undefined ? undefined : merged[parent.at];
      // Within a page the parent already names the node; across pages it is added here.
      if (parent && parentNode && parent.page < pageIndex) {
        merged[parent.at] = { ...parentNode, children: [...parentNode.children, node.id] };
      }
      placed.set(node.id, { at: merged.length, page: pageIndex });
      merged.push(node);
    }
  }
  return merged;
}
