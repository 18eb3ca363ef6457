import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './commands/account';
import { registerLiveCommands } from './commands/live';
import { registerModerationCommands } from './commands/moderation';
import { registerPostCommands } from './commands/posts';
import { registerSocialCommands } from './commands/social';
import { registerWatchingCommands } from './commands/watching';
import { cliEnv } from './env';
import { CliError, describeFailure, EXIT, type ExitCode } from './exit-codes';
import { print } from './output';
import { DEFAULT_URL, type GlobalOptions, openSession, type Session } from './session';

/** Extra commands (e.g. `seed`) that need more than the client; added by the entry point. */
export type Extension = (program: Command) => void;

/** Builds the `devflow` command line. */
export function buildProgram(extensions: readonly Extension[] = []): {
  program: Command;
  lastSession: () => Session | null;
} {
  let last: Session | null = null;
  const program = new Command('devflow')
    .description('DevFlow from the terminal: ask, answer, reply, react, follow, read your feed.')
    .version('0.1.0')
    .option(
      '--url <url>',
      `server URL (default: $DEVFLOW_URL, the server you signed in to, or ${DEFAULT_URL})`,
    )
    .option('--json', 'print JSON instead of text')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(text.endsWith('\n') ? text : `${text}\n`),
    });

  const open = async (command: Command): Promise<Session> => {
    const options = command.optsWithGlobals<GlobalOptions>();
    if (options.url !== undefined && !/^https?:\/\/[^\s/]+/.test(options.url)) {
      throw new CliError(
        `--url must be an http(s) URL like ${DEFAULT_URL} (got "${options.url}").`,
        EXIT.usage,
      );
    }
    last = await openSession(options, cliEnv);
    return last;
  };

  program
    .command('health')
    .description('check the server and show which database and cache it runs on')
    .action(async (_options: unknown, command: Command) => {
      const session = await open(command);
      const health = await session.client.health.check.query();
      print(
        session.json,
        health,
        () =>
          `${health.ok ? 'ok' : 'degraded'}: database ${health.db}, cache ${health.cache} (${session.url})\n`,
      );
    });
  registerAccountCommands(program, open);
  registerPostCommands(program, open);
  registerSocialCommands(program, open);
  registerLiveCommands(program, open);
  registerModerationCommands(program, open);
  registerWatchingCommands(program, open);
  for (const extend of extensions) extend(program);
  // Subcommands report usage errors the same way as the program.
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return { program, lastSession: () => last };
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code: 0 ok, 1 API error,
 * 2 usage error, 3 server unreachable, 4 not signed in or session expired. Failures are one line on
 * stderr, never a stack trace.
 */
export async function runCli(
  argv: readonly string[],
  extensions: readonly Extension[] = [],
): Promise<ExitCode> {
  const { program, lastSession } = buildProgram(extensions);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help / version).
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    const session = lastSession();
    const failure = describeFailure(error, {
      url: session?.url ?? DEFAULT_URL,
      hadToken: session?.credentials != null,
    });
    process.stderr.write(`devflow: ${failure.message}\n`);
    return failure.exitCode;
  }
}
