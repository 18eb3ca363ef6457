import { describe, expect, it } from 'vitest';
import { countDescendants, updateNode } from './tree';

type Node = { id: string; label: string; children: Node[] };

const leaf = (id: string): Node => ({ id, label: id, children: [] });
const tree: Node[] = [
  { id: '1', label: '1', children: [{ id: '2', label: '2', children: [leaf('3')] }, leaf('4')] },
  leaf('5'),
];

describe('reply tree updates', () => {
  it('changes a node three levels deep and nothing else', () => {
    const next = updateNode(tree, '3', (node) => ({ ...node, label: 'changed' }));
    expect(next[0]?.children[0]?.children[0]?.label).toBe('changed');
    expect(next[1]).toBe(tree[1]);
    expect(next[0]?.children[1]).toBe(tree[0]?.children[1]);
    expect(tree[0]?.children[0]?.children[0]?.label).toBe('3');
  });

  it('returns the same array when the id is not in the tree', () => {
    expect(updateNode(tree, '99', (node) => ({ ...node, label: 'x' }))).toBe(tree);
  });

  it('counts every descendant of a node', () => {
    expect(tree[0] && countDescendants(tree[0])).toBe(3);
    expect(tree[1] && countDescendants(tree[1])).toBe(0);
  });
});
