#!/usr/bin/env node
import { runCli } from './program';
import { registerSeedCommand } from './seed/command';
import { registerTransferCommands } from './transfer/command';

/** Entry point of the `devflow` command. */
process.exitCode = await runCli(process.argv.slice(2), [registerSeedCommand, registerTransferCommands]);
