import { describe, expect, it } from 'vitest';
import { mergePages } from './thread-pages';

type Node = { id: string; parentId: string | null; children: string[] };
const node = (id: string, parentId: string | null, children: string[] = []): Node => ({
  id,
  parentId,
  children,
});

// 1 ─┬─ 2 ── 3     paged two at a time, depth-first: [1, 2] [3, 4] [5]
//    └─ 4
// 5
describe('mergePages', () => {
  it('adds the replies of later pages to the children of their parent on an earlier page', () => {
    const pages = [
      { items: [node('1', null, ['2']), node('2', '1')] },
      { items: [node('3', '2'), node('4', '1')] },
      { items: [node('5', null)] },
    ];
    const merged = mergePages(pages);
    expect(merged.map((n) => [n.id, n.children])).toEqual([
      ['1', ['2', '4']],
      ['2', ['3']],
      ['3', []],
      ['4', []],
      ['5', []],
    ]);
    // The pages themselves are left as they were.
    expect(pages[0]?.items[0]?.children).toEqual(['2']);
  });

  it('keeps a reply listed twice once, and does not list a child twice within a page', () => {
    const merged = mergePages([
      { items: [node('1', null, ['2']), node('2', '1')] },
      { items: [node('2', '1'), node('6', '1')] },
    ]);
    expect(merged.map((n) => [n.id, n.children])).toEqual([
      ['1', ['2', '6']],
      ['2', []],
      ['6', []],
    ]);
  });
});
