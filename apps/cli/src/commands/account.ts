import { login, toDevflowError } from '@devflow/client';
import { privilegeLabels } from '@devflow/contract/privileges';
import type { Command } from 'commander';
import { cliEnv } from '../env';
import { CliError, EXIT, usage } from '../exit-codes';
import { promptPassword, readStdin } from '../input';
import { print } from '../output';
import { requireSignIn, type Session } from '../session';

type Open = (command: Command) => Promise<Session>;

async function readPassword(options: { password?: string; passwordStdin?: boolean }): Promise<string> {
  if (options.password !== undefined) return options.password;
  if (cliEnv.DEVFLOW_PASSWORD) return cliEnv.DEVFLOW_PASSWORD;
  if (options.passwordStdin || !process.stdin.isTTY) {
    const [line = ''] = (await readStdin()).split(/\r?\n/);
    if (!line) throw usage('No password on stdin.');
    return line;
  }
  return promptPassword('Password: ');
}

/** `login`, `logout`, `whoami`, `privileges`: the saved session and what it may do. */
export function registerAccountCommands(program: Command, open: Open): void {
  program
    .command('login')
    .description('sign in and save the session token (mode 0600) for the next commands')
    .argument('<login>', 'username or email')
    .option(
      '--password <password>',
      'password (visible in process lists: prefer the prompt or --password-stdin)',
    )
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(
      async (name: string, options: { password?: string; passwordStdin?: boolean }, command: Command) => {
        const session = await open(command);
        const password = await readPassword(options);
        const result = await login(
          session.client,
          { login: name, password },
          { store: session.store, url: session.url },
        ).catch((error: unknown) => {
          // Wrong credentials are an API answer (exit 1), not a missing session (exit 4).
          const failure = toDevflowError(error);
          if (failure.code !== 'UNAUTHORIZED') throw failure;
          throw new CliError(`UNAUTHORIZED: ${failure.message}`, EXIT.apiError);
        });
        print(
          session.json,
          { url: session.url, user: result.user },
          () => `Signed in to ${session.url} as ${result.user.username}.\n`,
        );
      },
    );

  program
    .command('logout')
    .description('end the session on the server and forget the saved token')
    .action(async (_options: unknown, command: Command) => {
      const session = await open(command);
      if (!session.credentials) {
        print(session.json, { signedOut: true }, () => 'Not signed in.\n');
        return;
      }
      let warning: string | null = null;
      try {
        await session.client.auth.logout.mutate();
      } catch (error) {
        // An expired session is already over; an unreachable server still gets the local copy removed.
        if (toDevflowError(error).code !== 'UNAUTHORIZED')
          warning = 'Could not end the session on the server; the saved token was removed anyway.';
      }
      await session.store.clear();
      if (warning) process.stderr.write(`${warning}\n`);
      print(session.json, { signedOut: true }, () => 'Signed out.\n');
    });

  program
    .command('whoami')
    .description('show the signed-in user')
    .action(async (_options: unknown, command: Command) => {
      const session = await open(command);
      requireSignIn(session);
      const me = await session.client.auth.me.query();
      if (!me) {
        throw new CliError(
          'Your session has expired or was revoked. Run `devflow login <username>` again.',
          EXIT.signedOut,
        );
      }
      print(session.json, me, () => `${me.username} (${me.role}) on ${session.url}\n`);
    });

  program
    .command('privileges')
    .description('show what your reputation lets you do, and what each privilege needs')
    .action(async (_options: unknown, command: Command) => {
      const session = await open(command);
      requireSignIn(session);
      const mine = await session.client.user.privileges.query();
      print(session.json, mine, () => {
        const lines = mine.privileges.map((row) => {
          const needs = row.threshold === null ? 'moderators only' : `${row.threshold} reputation`;
          return `${row.granted ? 'yes' : 'no '}  ${privilegeLabels[row.name].can} (${needs})`;
        });
        return `${mine.reputation} reputation, ${mine.preset} preset\n${lines.join('\n')}\n`;
      });
    });
}
