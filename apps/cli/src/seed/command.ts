import { type Command, Option } from 'commander';

/** Must match `SEED_PASSWORD` in `@devflow/db/seed` (kept here so `--help` loads no database code). */
const SEED_PASSWORD_HINT = 'devflow-seed-password';

/** `devflow seed`: fills an empty database with test data; its code loads only when it runs. */
export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description(`fill an empty database with realistic data (every user's password: ${SEED_PASSWORD_HINT})`)
    .addOption(
      new Option('-s, --size <size>', 'how much data').choices(['small', 'medium', 'large']).default('small'),
    )
    .option(
      '--database-url <url>',
      'PostgreSQL URL (default: $DATABASE_URL, else embedded PGlite in $DATA_DIR or .data)',
    )
    .option('--data-dir <dir>', 'PGlite data folder when no database URL is given')
    .action(
      async (
        options: { size: 'small' | 'medium' | 'large'; databaseUrl?: string; dataDir?: string },
        command: Command,
      ) => {
        const { runSeed } = await import('./run');
        await runSeed({ ...options, json: command.optsWithGlobals<{ json?: boolean }>().json === true });
      },
    );
}
