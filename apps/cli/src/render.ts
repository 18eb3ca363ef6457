import type { RouterOutputs } from '@devflow/client';
import { plural } from '@devflow/contract/format';

/** `question.byId` as the CLI prints it. */
export type QuestionDetail = RouterOutputs['question']['byId'];
/** One node of a `reply.thread` tree. */
export type ReplyNode = RouterOutputs['reply']['thread']['items'][number];
/** A question in `question.list` / `question.search`. */
export type QuestionSummary = RouterOutputs['question']['list']['items'][number];
/** An entry of `feed.list`. */
export type FeedItem = RouterOutputs['feed']['list']['items'][number];

/** `2026-11-25T14:50:00.000Z` → `2026-11-25 14:50` (UTC, compact and sortable). */
export function formatDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** Count wording, shared with the web app. */
export { plural };

function counters(post: { score: number; likes: number; dislikes: number }): string {
  return `score ${post.score} (▲${post.likes} ▼${post.dislikes})`;
}

/** The non-empty lines of a markdown body, trimmed on the right. */
function bodyLines(body: string): string[] {
  return body
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd());
}

/**
 * Draws a forest with box-drawing characters: `├─` for a child with siblings after it, `└─` for the
 * last, `│` continuing the branches above. Each node may span several lines.
 */
export function drawTree<T>(
  nodes: readonly T[],
  lines: (node: T) => string[],
  children: (node: T) => readonly T[],
): string[] {
  const out: string[] = [];
  // An explicit stack, not recursion: a reply chain can be 1,000 levels deep.
  const stack: { node: T; prefix: string; last: boolean }[] = [];
  const push = (items: readonly T[], prefix: string) => {
    for (let i = items.length - 1; i >= 0; i--) {
      const node = items[i];
      if (node !== undefined) stack.push({ node, prefix, last: i === items.length - 1 });
    }
  };
  push(nodes, '');
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const { node, prefix, last } = entry;
    const [first = '', ...rest] = lines(node);
    out.push(`${prefix}${last ? '└─ ' : '├─ '}${first}`);
    const continuation = `${prefix}${last ? '   ' : '│  '}`;
    for (const line of rest) out.push(`${continuation}${line}`);
    push(children(node), continuation);
  }
  return out;
}

/**
 * A reply's lines; `lastLevel` is true on the deepest level the thread was asked for (`--depth`), and
 * `nextPageHint` the command that reads every page.
 */
function replyLines(reply: ReplyNode, lastLevel: boolean, nextPageHint: string): string[] {
  const head = `${reply.deleted ? '[deleted]' : reply.author.username} · #${reply.id} · ${counters(reply)} · ${formatDate(reply.createdAt)}`;
  const body = reply.deleted ? [] : bodyLines(reply.body);
  // `moreReplies`: children were left out, by the depth asked for or by the end of the page.
  const more = !reply.moreReplies
    ? []
    : lastLevel
      ? ['… deeper replies not shown (raise --depth)']
      : [`… more replies on the next page (${nextPageHint})`];
  return [head, ...body, ...more];
}

/**
 * A page of a reply thread read down to `maxDepth` levels as a tree, or nothing when there are no
 * replies. The thread comes flat (each reply names its children by id); its roots are the replies whose
 * parent it does not hold, all on the first level. When a next page exists (`nextCursor`), the last line
 * says how to read it: `nextPageHint`.
 */
export function renderThread(
  thread: Pick<ThreadPage, 'items' | 'truncated' | 'nextCursor'>,
  maxDepth: number,
  nextPageHint: string,
): string[] {
  const { items } = thread;
  if (items.length === 0) return [];
  const byId = new Map(items.map((reply) => [reply.id, reply]));
  const roots = items.filter((reply) => reply.parentId === null || !byId.has(reply.parentId));
  const firstDepth = roots[0]?.depth ?? 0;
  const lines = drawTree(
    roots,
    (reply) => replyLines(reply, reply.depth - firstDepth + 1 === maxDepth, nextPageHint),
    (reply) => reply.children.flatMap((id) => byId.get(id) ?? []),
  );
  if (thread.nextCursor !== null) lines.push(`… more replies follow: \`${nextPageHint}\` prints every page`);
  else if (thread.truncated) lines.push('… (thread truncated: more replies exist)');
  return lines;
}

/** A page of a `reply.thread` (or a whole thread read page by page, `apps/cli/src/thread-pages.ts`). */
export type ThreadPage = RouterOutputs['reply']['thread'];

/**
 * Threads keyed by `question` or by answer id, each read down to `maxDepth` levels, and the command that
 * reads every page of them.
 */
export type Threads = {
  question: ThreadPage;
  answers: Map<string, ThreadPage>;
  maxDepth: number;
  nextPageHint: string;
};

function indent(lines: string[], by = '  '): string[] {
  return lines.map((line) => (line ? `${by}${line}` : line));
}

/** `devflow show`: the question, its replies, then every answer with its replies, as trees. */
export function renderQuestion(question: QuestionDetail, threads: Threads): string {
  const out: string[] = [];
  out.push(`Q${question.id}  ${question.title}${question.deleted ? '  [deleted]' : ''}`);
  out.push(
    `  ${question.tags.map((tag) => `[${tag}]`).join(' ')} · ${counters(question)} · ${plural(question.answerCount, 'answer')} · ${plural(question.viewCount, 'view')}`,
  );
  out.push(`  asked by ${question.author.username} on ${formatDate(question.createdAt)}`);
  out.push('', ...indent(bodyLines(question.body)));
  const questionReplies = renderThread(threads.question, threads.maxDepth, threads.nextPageHint);
  if (questionReplies.length > 0) out.push('', '  Replies', ...indent(questionReplies));
  for (const answer of question.answers) {
    out.push('');
    out.push(
      `A${answer.id}${answer.accepted ? '  ✔ accepted' : ''}  ${counters(answer)} · by ${answer.author.username} on ${formatDate(answer.createdAt)}${answer.deleted ? '  [deleted]' : ''}`,
    );
    out.push(...indent(bodyLines(answer.body)));
    const thread = threads.answers.get(answer.id);
    const replies = thread ? renderThread(thread, threads.maxDepth, threads.nextPageHint) : [];
    if (replies.length > 0) out.push('', '  Replies', ...indent(replies));
  }
  return `${out.join('\n')}\n`;
}

/** One line per question (list, search). */
export function renderQuestionList(page: {
  items: readonly QuestionSummary[];
  nextCursor: string | null;
}): string {
  if (page.items.length === 0) return 'No questions found.\n';
  const lines = page.items.map((q) => {
    const accepted = q.hasAcceptedAnswer ? ' ✔' : '';
    const tags = q.tags.map((tag) => `[${tag}]`).join(' ');
    return `Q${q.id}  ${String(q.score).padStart(4)}  ${q.answerCount} ans${accepted}  ${q.title}  ${tags}  — ${q.author.username}, ${formatDate(q.createdAt)}`;
  });
  if (page.nextCursor) lines.push(`More: --cursor ${page.nextCursor}`);
  return `${lines.join('\n')}\n`;
}

/** One line per feed entry. */
export function renderFeed(page: { items: readonly FeedItem[]; nextCursor: string | null }): string {
  if (page.items.length === 0) return 'Your feed is empty. Follow people with `devflow follow <username>`.\n';
  const lines = page.items.map((item) =>
    item.type === 'question'
      ? `Q${item.id}  ${item.author.username} asked: ${item.title}  (${formatDate(item.createdAt)})`
      : `A${item.id}  ${item.author.username} answered Q${item.questionId}: ${item.title}  (${formatDate(item.createdAt)})`,
  );
  if (page.nextCursor) lines.push(`More: --cursor ${page.nextCursor}`);
  return `${lines.join('\n')}\n`;
}
