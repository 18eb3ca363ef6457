/**
 * What the tree helpers need of a reply: `reply.thread` sends a thread FLAT, each reply naming its parent
 * and its returned children by id (a nested 1,000-level tree cost stack on every side). Nothing here
 * recurses, so no depth can overflow it.
 */
export type FlatNode = { id: string; parentId: string | null; children: readonly string[] };

/** A flat thread indexed for rendering: every node by id, and the roots in the thread's order. */
export type ThreadIndex<T extends FlatNode> = { byId: ReadonlyMap<string, T>; roots: T[] };

/** Indexes a flat thread in one pass; its roots are the nodes whose parent it does not hold. */
export function indexThread<T extends FlatNode>(items: readonly T[]): ThreadIndex<T> {
  const byId = new Map(items.map((node) => [node.id, node]));
  const roots = items.filter((node) => node.parentId === null || !byId.has(node.parentId));
  return { byId, roots };
}

/** The returned children of `node`, oldest first. */
export function childrenOf<T extends FlatNode>(index: ThreadIndex<T>, node: T): T[] {
  return node.children.flatMap((id) => index.byId.get(id) ?? []);
}

/** How many returned nodes hang below `node`, at every depth (an explicit stack, not recursion). */
export function countDescendants<T extends FlatNode>(index: ThreadIndex<T>, node: T): number {
  let count = 0;
  for (const stack = [...childrenOf(index, node)]; stack.length > 0; count += 1) {
    const next = stack.pop();
    if (next) stack.push(...childrenOf(index, next));
  }
  return count;
}

/**
 * Returns a copy of `items` where the node with `id` is replaced by `update(node)`; the other nodes keep
 * their identity so React skips them, and the same array comes back when no node has that id.
 */
export function updateNode<T extends { id: string }>(items: T[], id: string, update: (node: T) => T): T[] {
  const index = items.findIndex((node) => node.id === id);
  const node = items[index];
  if (!node) return items;
  const next = [...items];
  next[index] = update(node);
  return next;
}
