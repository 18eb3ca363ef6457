import {
  MAX_THREAD_DEPTH,
  MAX_THREAD_NODES,
  PAGE_SIZE,
  TAGS_COUNT,
  THREAD_PAGE_SIZE,
  TITLE_LENGTH,
} from '@devflow/contract/limits';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { readBody } from '../input';
import { print } from '../output';
import { renderFeed, renderQuestion, renderQuestionList, type Threads } from '../render';
import { requireSignIn, type Session } from '../session';
import { parseId, parseTarget } from '../targets';
import { readThread } from '../thread-pages';

type Open = (command: Command) => Promise<Session>;
type BodyOptions = { body?: string; bodyFile?: string };

/** The sources of `feed --source`. */
const FEED_SOURCES = ['all', 'people', 'tags', 'questions'] as const;

/** A commander parser of a whole number from `min` to `max`. */
function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

const limit = wholeNumber(PAGE_SIZE.min, PAGE_SIZE.max);
const depth = wholeNumber(1, MAX_THREAD_DEPTH);
const threadLimit = wholeNumber(THREAD_PAGE_SIZE.min, MAX_THREAD_NODES);

function withBody(command: Command): Command {
  return command
    .option('-b, --body <text>', 'the text (markdown)')
    .option('--body-file <path>', 'read the text from a file (otherwise from stdin)');
}

/** `ask`, `answer`, `reply`, `show`, `list`, `search`, `feed`: reading and writing posts. */
export function registerPostCommands(program: Command, open: Open): void {
  withBody(
    program
      .command('ask')
      .description('ask a question')
      .requiredOption(
        '-t, --title <title>',
        `the title (${TITLE_LENGTH.min} to ${TITLE_LENGTH.max} characters)`,
      )
      .requiredOption(
        '--tags <tags>',
        `comma-separated tags, ${TAGS_COUNT.min} to ${TAGS_COUNT.max} (e.g. rust,async)`,
      ),
  ).action(async (options: BodyOptions & { title: string; tags: string }, command: Command) => {
    const session = await open(command);
    requireSignIn(session);
    const body = await readBody(options);
    const tags = options.tags
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    const question = await session.client.question.create.mutate({ title: options.title, body, tags });
    print(session.json, question, () => `Asked Q${question.id}: ${question.title}\n`);
  });

  withBody(
    program
      .command('answer')
      .description('answer a question')
      .argument('<questionId>', 'the question (e.g. 12 or Q12)'),
  ).action(async (questionId: string, options: BodyOptions, command: Command) => {
    const session = await open(command);
    requireSignIn(session);
    const id = parseId(questionId.replace(/^q/i, ''), 'question id');
    const body = await readBody(options);
    const answer = await session.client.answer.create.mutate({ questionId: id, body });
    print(session.json, answer, () => `Answered Q${id} with A${answer.id}.\n`);
  });

  withBody(
    program
      .command('reply')
      .description('reply to a question or an answer, or (with --parent) to a reply')
      .argument('<target>', '"question" or "answer", or the short form Q12 / A5')
      .argument('[id]', 'the question or answer id')
      .option('-p, --parent <replyId>', 'the reply to answer (its thread must be under the same post)'),
  ).action(
    async (
      target: string,
      id: string | undefined,
      options: BodyOptions & { parent?: string },
      command: Command,
    ) => {
      const session = await open(command);
      requireSignIn(session);
      const post = parseTarget(target, id, ['question', 'answer']);
      const parentId =
        options.parent === undefined
          ? undefined
          : parseId(options.parent.replace(/^r/i, ''), 'parent reply id');
      const body = await readBody(options);
      const targetType = post.type === 'answer' ? 'answer' : 'question';
      const reply = await session.client.reply.create.mutate({
        targetType,
        targetId: post.id,
        parentId,
        body,
      });
      print(session.json, reply, () => `Replied R${reply.id} (depth ${reply.depth}).\n`);
    },
  );

  program
    .command('show')
    .description('show a question with its answers and reply trees (the first page of each thread)')
    .argument('<id>', 'the question (e.g. 12 or Q12)')
    .option('-d, --depth <levels>', `reply levels to show (1 to ${MAX_THREAD_DEPTH})`, depth, 50)
    .option(
      '-n, --limit <n>',
      `replies per thread page (${THREAD_PAGE_SIZE.min} to ${MAX_THREAD_NODES.toLocaleString('en')})`,
      threadLimit,
      THREAD_PAGE_SIZE.default,
    )
    .option('--all', 'read every page of every thread (one request per page)')
    .action(
      async (rawId: string, options: { depth: number; limit: number; all?: boolean }, command: Command) => {
        const session = await open(command);
        const id = parseId(rawId.replace(/^q/i, ''), 'question id');
        const question = await session.client.question.byId.query({ id });
        const read = (targetType: 'question' | 'answer', targetId: string) =>
          readThread(
            session.client,
            { targetType, targetId, maxDepth: options.depth, limit: options.limit },
            options.all === true,
          );
        // Every thread's first page in one batched HTTP request (with --all, the next pages follow).
        const [questionThread, ...answerThreads] = await Promise.all([
          read('question', id),
          ...question.answers.map((answer) => read('answer', answer.id)),
        ]);
        const threads: Threads = {
          question: questionThread,
          answers: new Map(
            question.answers.flatMap((answer, i) => {
              const thread = answerThreads[i];
              return thread ? [[answer.id, thread] as const] : [];
            }),
          ),
          maxDepth: options.depth,
          nextPageHint: `devflow show Q${id} --all`,
        };
        print(
          session.json,
          {
            ...question,
            replies: questionThread,
            answers: question.answers.map((answer) => ({
              ...answer,
              replies: threads.answers.get(answer.id),
            })),
          },
          () => renderQuestion(question, threads),
        );
      },
    );

  program
    .command('list')
    .description('list questions')
    .addOption(
      new Option('-s, --sort <order>', 'order')
        .choices(['newest', 'top', 'unanswered', 'active'])
        .default('newest'),
    )
    .option('--tag <tag>', 'only questions with this tag')
    .option('-n, --limit <n>', `how many (${PAGE_SIZE.min} to ${PAGE_SIZE.max})`, limit, PAGE_SIZE.default)
    .option('--cursor <cursor>', 'the next page (printed after a full page)')
    .action(
      async (
        options: {
          sort: 'newest' | 'top' | 'unanswered' | 'active';
          tag?: string;
          limit: number;
          cursor?: string;
        },
        command: Command,
      ) => {
        const session = await open(command);
        const page = await session.client.question.list.query({
          sort: options.sort,
          tag: options.tag,
          limit: options.limit,
          cursor: options.cursor,
        });
        print(session.json, page, () => renderQuestionList(page));
      },
    );

  program
    .command('search')
    .description('full-text search of questions, best match first')
    .argument('<words...>', 'what to look for')
    .option('-n, --limit <n>', `how many (${PAGE_SIZE.min} to ${PAGE_SIZE.max})`, limit, PAGE_SIZE.default)
    .option('--cursor <cursor>', 'the next page')
    .action(async (words: string[], options: { limit: number; cursor?: string }, command: Command) => {
      const session = await open(command);
      const page = await session.client.question.search.query({
        q: words.join(' '),
        limit: options.limit,
        cursor: options.cursor,
      });
      print(session.json, page, () => renderQuestionList(page));
    });

  program
    .command('feed')
    .description('questions and answers by the people you follow and in the tags and questions you watch')
    .option('-n, --limit <n>', `how many (${PAGE_SIZE.min} to ${PAGE_SIZE.max})`, limit, PAGE_SIZE.default)
    .option('--cursor <cursor>', 'the next page')
    .addOption(
      new Option('--source <source>', 'where from')
        .choices(['all', 'people', 'tags', 'questions'])
        .default('all'),
    )
    .action(async (options: { limit: number; cursor?: string; source: string }, command: Command) => {
      const session = await open(command);
      requireSignIn(session);
      const source = FEED_SOURCES.find((value) => value === options.source) ?? 'all';
      const page = await session.client.feed.list.query({
        limit: options.limit,
        cursor: options.cursor,
        source,
      });
      print(session.json, page, () => renderFeed(page));
    });
}
