import { type Command, Option } from 'commander';

/** Options every transfer command shares: which database to read or write. */
type Where = { databaseUrl?: string; dataDir?: string };

function whereOptions(command: Command, verb: string): Command {
  return command
    .addOption(
      new Option(
        '--database-url <url>',
        `PostgreSQL database to ${verb} (default: $DATABASE_URL, else embedded PGlite in $DATA_DIR or .data)`,
      ).conflicts('dataDir'),
    )
    .addOption(
      new Option('--data-dir <dir>', `embedded PGlite data folder to ${verb}`).conflicts('databaseUrl'),
    );
}

const json = (command: Command) => command.optsWithGlobals<{ json?: boolean }>().json === true;

/**
 * `devflow backup`, `devflow restore` and `devflow move`: they open the database itself (not the API), so
 * their code loads only when one of them runs.
 */
export function registerTransferCommands(program: Command): void {
  whereOptions(
    program
      .command('backup')
      .description('write a consistent plain-SQL dump of the whole database to a file')
      .option('-o, --out <file>', 'where to write it (default: devflow-backup-<date>.sql)'),
    'back up',
  ).action(async (options: Where & { out?: string }, command: Command) => {
    const { runBackup } = await import('./run');
    await runBackup({ ...options, json: json(command) });
  });

  whereOptions(
    program
      .command('restore')
      .description('load a dump written by `devflow backup` into an empty database')
      .argument('<file>', 'the dump (plain SQL)')
      .option('--force', 'replace everything the database holds (listed before it is replaced)'),
    'restore into',
  ).action(async (file: string, options: Where & { force?: boolean }, command: Command) => {
    const { runRestore } = await import('./run');
    await runRestore({ ...options, file, json: json(command) });
  });

  program
    .command('move')
    .description('move the embedded database to an empty PostgreSQL database, verified table by table')
    .requiredOption('--to <url>', 'the PostgreSQL database to move to (postgres://…)')
    .option('--data-dir <dir>', 'the embedded PGlite data folder to move (default: $DATA_DIR or .data)')
    .option('--force', 'start over an interrupted move (or replace what the target holds, listed first)')
    .action(async (options: { to: string; dataDir?: string; force?: boolean }, command: Command) => {
      const { runMove } = await import('./run');
      await runMove({ ...options, json: json(command) });
    });
}
