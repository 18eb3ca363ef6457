import { describe, expect, it } from 'vitest';
import { childrenOf, countDescendants, indexThread, updateNode } from './tree';

type Node = { id: string; parentId: string | null; label: string; children: string[] };

const node = (id: string, parentId: string | null, children: string[] = []): Node => ({
  id,
  parentId,
  label: id,
  children,
});
// 1 ─┬─ 2 ── 3
//    └─ 4
// 5
const items: Node[] = [
  node('1', null, ['2', '4']),
  node('5', null),
  node('2', '1', ['3']),
  node('4', '1'),
  node('3', '2'),
];

describe('flat reply threads', () => {
  it('finds the roots and each node’s children', () => {
    const index = indexThread(items);
    expect(index.roots.map((n) => n.id)).toEqual(['1', '5']);
    expect(childrenOf(index, items[0] ?? node('?', null)).map((n) => n.id)).toEqual(['2', '4']);
  });

  it('takes a subtree’s root (its parent not returned) as the root', () => {
    const index = indexThread(items.filter((n) => ['2', '3'].includes(n.id)));
    expect(index.roots.map((n) => n.id)).toEqual(['2']);
  });

  it('changes one node and nothing else', () => {
    const next = updateNode(items, '3', (n) => ({ ...n, label: 'changed' }));
    expect(next.find((n) => n.id === '3')?.label).toBe('changed');
    expect(next[0]).toBe(items[0]);
    expect(items[4]?.label).toBe('3');
  });

  it('returns the same array when the id is not in the thread', () => {
    expect(updateNode(items, '99', (n) => ({ ...n, label: 'x' }))).toBe(items);
  });

  it('counts every descendant of a node', () => {
    const index = indexThread(items);
    expect(countDescendants(index, items[0] ?? node('?', null))).toBe(3);
    expect(countDescendants(index, items[1] ?? node('?', null))).toBe(0);
  });

  it('walks a 100,000-deep chain without running out of stack', () => {
    const chain = Array.from({ length: 100_000 }, (_, i) =>
      node(String(i), i === 0 ? null : String(i - 1), i === 99_999 ? [] : [String(i + 1)]),
    );
    const index = indexThread(chain);
    expect(index.roots).toHaveLength(1);
    expect(countDescendants(index, chain[0] ?? node('?', null))).toBe(99_999);
  });
});
