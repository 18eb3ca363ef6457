import { describe, expect, it } from 'vitest';
import { drawTree, formatDate, plural, type ReplyNode, renderThread } from './render';

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

describe('renderThread', () => {
  const reply = (
    id: string,
    parent: { id: string; depth: number } | null,
    moreReplies: boolean,
    children: string[] = [],
  ): ReplyNode => ({
    id,
    parentId: parent?.id ?? null,
    targetType: 'question',
    targetId: '1',
    depth: parent ? parent.depth + 1 : 0,
    body: `reply ${id}`,
    bodyHtml: '',
    author: { id: '1', username: 'ada', displayName: null, avatarUrl: null },
    likes: 0,
    dislikes: 0,
    score: 0,
    myReaction: null,
    createdAt: '2026-11-25T14:50:12.345Z',
    updatedAt: '2026-11-25T14:50:12.345Z',
    deleted: false,
    hidden: false,
    moreReplies,
    children,
  });

  const hint = 'devflow show Q1 --all';

  it('says why replies are missing: the --depth asked for, or the end of the page and how to go on', () => {
    const one = reply('1', null, true, ['2']);
    const items = [one, reply('2', one, true), reply('3', null, false)];
    const lines = renderThread({ items, truncated: true, nextCursor: 'next' }, 2, hint);
    expect(lines.filter((line) => line.includes('…'))).toEqual([
      '│  … more replies on the next page (devflow show Q1 --all)',
      '│     … deeper replies not shown (raise --depth)',
      '… more replies follow: `devflow show Q1 --all` prints every page',
    ]);
    const last = renderThread(
      { items: [reply('3', null, false)], truncated: true, nextCursor: null },
      2,
      hint,
    );
    expect(last.at(-1)).toBe('… (thread truncated: more replies exist)');
  });

  it('draws a flat 1,000-deep chain (as reply.thread sends it) from a subtree root, level by level', () => {
    const chain: ReplyNode[] = [];
    for (let i = 0; i < 1000; i++) {
      const parent = chain[i - 1];
      const node = reply(String(i + 500), parent ?? { id: '499', depth: 499 }, false);
      parent?.children.push(node.id);
      chain.push(node);
    }
    const lines = renderThread({ items: chain, truncated: false, nextCursor: null }, 1000, hint);
    const heads = lines.filter((line) => line.includes('└─'));
    expect(heads).toHaveLength(1000);
    expect(heads[0]).toMatch(/^└─ ada · #500 /);
    expect(heads[999]).toMatch(new RegExp(`^ {${3 * 999}}└─ ada · #1499 `));
  });
});

describe('plural', () => {
  it('uses the singular for one and the plural for every other count', () => {
    expect([0, 1, 2, 1000].map((count) => plural(count, 'view'))).toEqual([
      '0 views',
      '1 view',
      '2 views',
      '1,000 views',
    ]);
    expect(plural(1, 'reply', 'replies')).toBe('1 reply');
    expect(plural(3, 'reply', 'replies')).toBe('3 replies');
  });
});
