/** A node of a reply tree: anything with an id and children of the same shape. */
export type TreeNode<T> = { id: string; children: T[] };

/**
 * Returns a copy of `nodes` where the node with `id` (at any depth) is replaced by `update(node)`;
 * untouched branches keep their identity so React skips them.
 */
export function updateNode<T extends TreeNode<T>>(nodes: T[], id: string, update: (node: T) => T): T[] {
  let changed = false;
  const next = nodes.map((node) => {
    if (node.id === id) {
      changed = true;
      return update(node);
    }
    const children = updateNode(node.children, id, update);
    if (children !== node.children) {
      changed = true;
      return { ...node, children };
    }
    return node;
  });
  return changed ? next : nodes;
}

/** How many nodes hang below `node`, at every depth. */
export function countDescendants<T extends TreeNode<T>>(node: T): number {
  return node.children.reduce((sum, child) => sum + 1 + countDescendants(child), 0);
}
