import { type Command, InvalidArgumentError } from 'commander';
import { usage } from '../exit-codes';
import { print } from '../output';
import { formatDate } from '../render';
import { requireSignIn, type Session } from '../session';
import { parseId, parseTarget } from '../targets';

type Open = (command: Command) => Promise<Session>;

/** A page size option: 1..100. */
function limit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new InvalidArgumentError('must be a whole number from 1 to 100');
  return n;
}

/**
 * The `watch` command, created once: `watch tag`, `watch question` and `watch list` are its subcommands
 * here; the live-updates commands (`commands/live.ts`) attach their own to the same command, so both
 * sets work side by side.
 */
export function watchCommand(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === 'watch') ??
    program.command('watch').description('watch tags and questions: what is new in them reaches your feed')
  );
}

/** `watch tag|question|list`, `bookmark`, `bookmarks`. */
export function registerWatchingCommands(program: Command, open: Open): void {
  const watch = watchCommand(program);

  watch
    .command('tag')
    .description('watch a tag (new questions in it reach your feed and notifications), or stop with --remove')
    .argument('<slug>', 'the tag, e.g. postgres')
    .option('--remove', 'stop watching it')
    .action(async (slug: string, options: { remove?: boolean }, command: Command) => {
      const session = await open(command);
      requireSignIn(session);
      const result = options.remove
        ? await session.client.watch.untag.mutate({ tag: slug })
        : await session.client.watch.tag.mutate({ tag: slug });
      print(session.json, result, () => `${result.watching ? 'Watching' : 'Not watching'} tag ${slug}.\n`);
    });

  watch
    .command('question')
    .description(
      'watch a question (its new answers reach your feed and notifications), or stop with --remove',
    )
    .argument('<id>', 'the question id (12 or Q12)')
    .option('--remove', 'stop watching it')
    .action(async (id: string, options: { remove?: boolean }, command: Command) => {
      const session = await open(command);
      requireSignIn(session);
      const questionId = parseId(id.replace(/^q/i, ''), 'question id');
      const result = options.remove
        ? await session.client.watch.unquestion.mutate({ questionId })
        : await session.client.watch.question.mutate({ questionId });
      print(session.json, result, () => `${result.watching ? 'Watching' : 'Not watching'} Q${questionId}.\n`);
    });

  watch
    .command('list')
    .description('the tags and questions you watch')
    .action(async (_options: unknown, command: Command) => {
      const session = await open(command);
      requireSignIn(session);
      const list = await session.client.watch.list.query();
      print(session.json, list, () => {
        if (list.tags.length === 0 && list.questions.length === 0) {
          return 'You watch nothing yet. Try `devflow watch tag <slug>` or `devflow watch question <id>`.\n';
        }
        const lines = [
          `Tags: ${list.tags.length === 0 ? '(none)' : list.tags.map((t) => t.slug).join(', ')}`,
          'Questions:',
          ...list.questions.map((q) => `  Q${q.id}  ${q.title}`),
        ];
        if (list.questions.length === 0) lines.push('  (none)');
        return `${lines.join('\n')}\n`;
      });
    });

  program
    .command('bookmark')
    .description('save a question or an answer to your bookmarks, or remove it with --remove')
    .argument('<target>', '"question" or "answer", or the short form Q12 / A5')
    .argument('[id]', 'the post id')
    .option('--remove', 'remove the bookmark')
    .action(
      async (target: string, id: string | undefined, options: { remove?: boolean }, command: Command) => {
        const session = await open(command);
        requireSignIn(session);
        const post = parseTarget(target, id, ['question', 'answer']);
        if (post.type === 'reply') throw usage('Replies cannot be saved; save their question or answer.');
        const input = { targetType: post.type, targetId: post.id };
        const result = options.remove
          ? await session.client.bookmark.remove.mutate(input)
          : await session.client.bookmark.add.mutate(input);
        const label = `${post.type === 'question' ? 'Q' : 'A'}${post.id}`;
        print(session.json, result, () => `${result.bookmarked ? 'Saved' : 'Removed'} ${label}.\n`);
      },
    );

  program
    .command('bookmarks')
    .description('your saved posts, newest saved first')
    .option('-n, --limit <n>', 'how many (1 to 100)', limit, 20)
    .option('--cursor <cursor>', 'the next page')
    .action(async (options: { limit: number; cursor?: string }, command: Command) => {
      const session = await open(command);
      requireSignIn(session);
      const page = await session.client.bookmark.list.query({ limit: options.limit, cursor: options.cursor });
      print(session.json, page, () => {
        if (page.items.length === 0) return 'Nothing saved yet. Save a post with `devflow bookmark Q12`.\n';
        const lines = page.items.map((item) =>
          item.targetType === 'question'
            ? `Q${item.targetId}  ${item.title}  (saved ${formatDate(item.savedAt)})`
            : `A${item.targetId}  answer on Q${item.questionId}: ${item.title}  (saved ${formatDate(item.savedAt)})`,
        );
        if (page.nextCursor) lines.push(`More: --cursor ${page.nextCursor}`);
        return `${lines.join('\n')}\n`;
      });
    });
}
