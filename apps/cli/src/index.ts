#!/usr/bin/env node
import { createDevflowClient } from '@devflow/client';

/** `devflow health`: prints the server's health (the full CLI arrives with issue 7). */
async function main(argv: string[]) {
  const url = process.env.DEVFLOW_URL ?? 'http://127.0.0.1:3000';
  const [command] = argv;
  if (command !== 'health') {
    process.stderr.write('usage: devflow health\n');
    return 2;
  }
  const client = createDevflowClient({ url });
  const health = await client.health.check.query();
  process.stdout.write(`${JSON.stringify(health)}\n`);
  return health.ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
