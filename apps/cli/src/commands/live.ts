import { toDevflowError } from '@devflow/client';
import type { LiveNotificationEvent, LiveQuestionEvent } from '@devflow/contract';
import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes';
import { requireSignIn, type Session } from '../session';
import { parseId } from '../targets';

type Open = (command: Command) => Promise<Session>;

/** One line of text for a `live.question` event. */
function describeQuestionEvent(event: LiveQuestionEvent): string {
  switch (event.type) {
    case 'answer.created':
      return `new answer A${event.answer.id} by ${event.answer.author.username} (${event.answerCount} answers)`;
    case 'answer.updated':
      return `answer A${event.answer.id} edited`;
    case 'answer.deleted':
      return `answer A${event.answerId} deleted (${event.answerCount} answers)`;
    case 'answer.accepted':
      return `answer A${event.answerId} accepted`;
    case 'answer.unaccepted':
      return `answer A${event.answerId} no longer accepted`;
    case 'reply.created':
      return `new reply R${event.reply.id} by ${event.reply.author.username}: ${event.reply.body.slice(0, 80)}`;
    case 'reply.updated':
      return `reply R${event.reply.id} edited`;
    case 'reply.deleted':
      return `reply R${event.replyId} deleted`;
    case 'reaction.changed':
      return `${event.counts.targetType} ${event.counts.targetId}: score ${event.counts.score} (${event.counts.likes} likes, ${event.counts.dislikes} dislikes)`;
    case 'question.updated':
      return `question edited: ${event.question.title}`;
    case 'question.deleted':
      return 'question deleted';
    case 'question.closed':
      return `question closed (${event.closed.reason})`;
    case 'question.reopened':
      return 'question reopened';
    case 'post.hidden':
      return `${event.targetType} ${event.targetId} hidden pending review`;
    case 'reload':
      return `missed too much (${event.reason}); showing what happens from now on`;
  }
}

/** One line of text for a `live.notifications` event. */
function describeNotificationEvent(event: LiveNotificationEvent): string {
  switch (event.type) {
    case 'notification.created': {
      const { notification } = event;
      const where = notification.questionTitle ? ` on "${notification.questionTitle}"` : '';
      return `${notification.type} from ${notification.actor.username}${where} (${event.unread} unread)`;
    }
    case 'notification.read':
      return `${event.unread} unread`;
    case 'reload':
      return `missed too much (${event.reason}); showing what happens from now on`;
  }
}

/**
 * Runs a subscription until Ctrl-C (or SIGTERM), printing each event as it comes: one JSON object a
 * line with `--json` (`{ "id", ...event }`), a line of text otherwise. A refusal ends it with the API's
 * error (exit 1); a dropped connection is retried by the link, resuming after the last event.
 */
function stream<Event>(
  session: Session,
  subscribe: (handlers: {
    onData: (envelope: { id: string; data: Event }) => void;
    onError: (error: unknown) => void;
  }) => { unsubscribe(): void },
  describe: (event: Event) => string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const subscription = subscribe({
      onData: ({ id, data }) => {
        process.stdout.write(
          session.json
            ? `${JSON.stringify({ id, ...data })}\n`
            : `[${new Date().toISOString()}] ${describe(data)}\n`,
        );
      },
      onError: (error) => {
        stop();
        const failure = toDevflowError(error);
        reject(new CliError(`${failure.code}: ${failure.message}`, EXIT.apiError));
      },
    });
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      subscription.unsubscribe();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * `watch <question>` and `watch notifications`: live updates printed as they happen. The same `watch`
 * command carries the subcommands `watch tag|question|list` (`commands/watching.ts`), which commander
 * dispatches before this action sees its argument.
 */
export function registerLiveCommands(program: Command, open: Open): void {
  program
    .command('watch')
    .description(
      'print live updates until Ctrl-C (`watch <question-id>`, `watch notifications`), or manage what you watch (`watch tag|question|list`)',
    )
    .argument('<what>', 'a question id (42 or Q42), or "notifications"')
    .action(async (what: string, _options: unknown, command: Command) => {
      const session = await open(command);
      if (what === 'notifications') {
        requireSignIn(session);
        await stream<LiveNotificationEvent>(
          session,
          (handlers) => session.client.live.notifications.subscribe({}, handlers),
          describeNotificationEvent,
        );
        return;
      }
      const questionId = parseId(what.replace(/^q/i, ''), 'question id');
      await stream<LiveQuestionEvent>(
        session,
        (handlers) => session.client.live.question.subscribe({ questionId }, handlers),
        describeQuestionEvent,
      );
    });
}
