import { REVIEW_ACTION_LABELS } from '@devflow/contract/messages';
import { Command, Option } from 'commander';
import { usage } from '../exit-codes';
import { print } from '../output';
import { requireSignIn, type Session } from '../session';
import { parseId, parseTarget } from '../targets';

type Open = (command: Command) => Promise<Session>;

const FLAG_REASONS = ['spam', 'rude', 'off-topic', 'duplicate', 'needs-moderator'] as const;
const CLOSE_REASONS = ['duplicate', 'off-topic', 'needs-details', 'opinion-based'] as const;
const QUEUES = ['flags', 'first-posts', 'suggested-edits', 'close-votes'] as const;
/** Every decision `review resolve` takes: `review.resolve`'s actions, as the contract labels them. */
const ACTIONS = Object.keys(REVIEW_ACTION_LABELS) as (keyof typeof REVIEW_ACTION_LABELS)[];

/** A question id from `12`, `#12` or `Q12`. */
function questionId(value: string): string {
  return parseId(value.replace(/^q/i, ''), 'question id');
}

/** The short label of a post (`Q12`, `A5`, `R7`). */
function label(type: string, id: string): string {
  return `${type[0]?.toUpperCase() ?? '?'}${id}`;
}

/** How a close or reopen call ended, in one line. */
function closeLine(
  verb: 'close' | 'reopen',
  id: string,
  result: {
    closed: { reason: string; duplicateOf: { id: string; title: string } | null } | null;
    votes: number;
    votesNeeded: number;
  },
): string {
  const changed = verb === 'close' ? result.closed !== null : result.closed === null;
  if (!changed) return `Voted to ${verb} Q${id} (${result.votes} of ${result.votesNeeded} votes).\n`;
  if (verb === 'reopen') return `Reopened Q${id}.\n`;
  const original = result.closed?.duplicateOf;
  return `Closed Q${id} as ${result.closed?.reason}${original ? ` of Q${original.id}: ${original.title}` : ''}.\n`;
}

/** `flag`, `close`, `reopen`, `review list`, `review resolve`: community moderation. */
export function registerModerationCommands(program: Command, open: Open): void {
  program
    .command('flag')
    .description('flag a question, answer or reply for review (enough spam/rude flags hide it)')
    .argument('<target>', '"question", "answer" or "reply", or the short form Q12 / A5 / R7')
    .argument('[id]', 'the post id')
    .addOption(new Option('--reason <reason>', 'why').choices(FLAG_REASONS).makeOptionMandatory())
    .option('--note <text>', 'a note for the reviewers')
    .action(
      async (
        target: string,
        id: string | undefined,
        options: { reason: (typeof FLAG_REASONS)[number]; note?: string },
        command: Command,
      ) => {
        const session = await open(command);
        requireSignIn(session);
        const post = parseTarget(target, id, ['question', 'answer', 'reply']);
        const flag = await session.client.flag.create.mutate({
          targetType: post.type,
          targetId: post.id,
          reason: options.reason,
          ...(options.note === undefined ? {} : { note: options.note }),
        });
        print(
          session.json,
          flag,
          () =>
            `Flagged ${label(post.type, post.id)} as ${flag.reason}.${flag.postHidden ? ' It is now hidden pending review.' : ''}\n`,
        );
      },
    );

  program
    .command('close')
    .description('close a question (moderators), or vote to close it (the close-votes privilege)')
    .argument('<question>', 'the question id (12 or Q12)')
    .addOption(new Option('--reason <reason>', 'why').choices(CLOSE_REASONS).makeOptionMandatory())
    .option('--duplicate-of <question>', 'the original question, for --reason duplicate')
    .action(
      async (
        target: string,
        options: { reason: (typeof CLOSE_REASONS)[number]; duplicateOf?: string },
        command: Command,
      ) => {
        const session = await open(command);
        requireSignIn(session);
        const id = questionId(target);
        if (options.reason === 'duplicate' && options.duplicateOf === undefined) {
          throw usage('--reason duplicate needs --duplicate-of <question>.');
        }
        const result = await session.client.question.close.mutate({
          id,
          reason: options.reason,
          ...(options.duplicateOf === undefined ? {} : { duplicateOfId: questionId(options.duplicateOf) }),
        });
        print(session.json, result, () => closeLine('close', id, result));
      },
    );

  program
    .command('reopen')
    .description('reopen a closed question (moderators), or vote to reopen it')
    .argument('<question>', 'the question id (12 or Q12)')
    .action(async (target: string, _options: unknown, command: Command) => {
      const session = await open(command);
      requireSignIn(session);
      const id = questionId(target);
      const result = await session.client.question.reopen.mutate({ id });
      print(session.json, result, () => closeLine('reopen', id, result));
    });

  const review = new Command('review').description(
    'the review queue (moderators and reviewers): list items, resolve one',
  );
  review
    .command('list')
    .description('list open items of a queue (or of all), oldest first; --resolved lists decisions')
    .addArgument(
      new Command()
        .createArgument('[queue]', 'flags, first-posts, suggested-edits or close-votes')
        .choices(QUEUES),
    )
    .option('--resolved', 'list decided items, newest first, with who decided what')
    .option('--limit <n>', 'items per page (1..100)', '20')
    .action(
      async (
        queue: (typeof QUEUES)[number] | undefined,
        options: { resolved?: boolean; limit: string },
        command: Command,
      ) => {
        const session = await open(command);
        requireSignIn(session);
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw usage('--limit must be 1..100.');
        const page = await session.client.review.list.query({
          ...(queue === undefined ? {} : { queue }),
          state: options.resolved ? 'resolved' : 'open',
          limit,
        });
        print(session.json, page, () => {
          if (page.items.length === 0) return 'Nothing to review.\n';
          return page.items
            .map((item) => {
              const what = `${label(item.target.type, item.target.id)}${item.target.title ? ` "${item.target.title}"` : ''}`;
              const marks = [item.target.hidden ? 'hidden' : '', item.target.deleted ? 'deleted' : '']
                .filter(Boolean)
                .join(', ');
              const details =
                item.queue === 'flags'
                  ? item.flags.map((flag) => `${flag.reason} ×${flag.count}`).join(', ')
                  : item.queue === 'close-votes'
                    ? item.target.closed
                      ? `reopen ×${item.reopenVotes}`
                      : item.closeVotes.map((vote) => `${vote.reason} ×${vote.count}`).join(', ')
                    : item.suggestedEdit
                      ? `by ${item.suggestedEdit.author.username}${item.suggestedEdit.stale ? ', post changed since' : ''}`
                      : '';
              const tail = item.decision
                ? `${item.decision.action} by ${item.decision.by.username} at ${item.decision.at}`
                : `actions: ${item.actions.join(', ')}`;
              return `#${item.id} [${item.queue}] ${what}${marks ? ` (${marks})` : ''}${details ? ` — ${details}` : ''} — ${tail}\n`;
            })
            .join('');
        });
      },
    );
  review
    .command('resolve')
    .description('decide an item with one of the actions it lists')
    .argument('<item>', 'the review item id (#12 or 12)')
    .addArgument(new Command().createArgument('<action>', 'the decision').choices(ACTIONS))
    .option('--confirm', 'approve a suggested edit although the post changed since')
    .action(
      async (
        item: string,
        action: (typeof ACTIONS)[number],
        options: { confirm?: boolean },
        command: Command,
      ) => {
        const session = await open(command);
        requireSignIn(session);
        const id = parseId(item, 'review item id');
        const decided = await session.client.review.resolve.mutate({
          id,
          action,
          ...(options.confirm ? { confirm: true } : {}),
        });
        print(
          session.json,
          decided,
          () => `Resolved #${decided.id} (${label(decided.target.type, decided.target.id)}): ${action}.\n`,
        );
      },
    );
  program.addCommand(review);
  for (const command of review.commands) command.exitOverride().configureOutput(program.configureOutput());
}
