import { describe, expect, it } from 'vitest';
import { drawTree, formatDate } from './render';

type Node = { name: string; children: Node[] };
const node = (name: string, ...children: Node[]): Node => ({ name, children });

describe('drawTree', () => {
  it('draws siblings with ├─ and └─ and continues open branches with │', () => {
    const forest = [node('a', node('a1', node('a1x')), node('a2')), node('b', node('b1'))];
    const lines = drawTree(
      forest,
      (n) => [n.name, `body of ${n.name}`],
      (n) => n.children,
    );
    expect(lines).toEqual([
      '├─ a',
      '│  body of a',
      '│  ├─ a1',
      '│  │  body of a1',
      '│  │  └─ a1x',
      '│  │     body of a1x',
      '│  └─ a2',
      '│     body of a2',
      '└─ b',
      '   body of b',
      '   └─ b1',
      '      body of b1',
    ]);
  });

  it('draws a 1,000-level chain without overflowing the stack', () => {
    let chain = node('999');
    for (let i = 998; i >= 0; i--) chain = node(String(i), chain);
    const lines = drawTree(
      [chain],
      (n) => [n.name],
      (n) => n.children,
    );
    expect(lines).toHaveLength(1000);
    expect(lines[0]).toBe('└─ 0');
    expect(lines[999]).toBe(`${' '.repeat(3 * 999)}└─ 999`);
  });

  it('prints nothing for an empty forest', () => {
    expect(
      drawTree<Node>(
        [],
        (n) => [n.name],
        (n) => n.children,
      ),
    ).toEqual([]);
  });
});

describe('formatDate', () => {
  it('shows UTC minutes', () => {
    expect(formatDate('2026-11-25T14:50:12.345Z')).toBe('2026-11-25 14:50');
  });
});
