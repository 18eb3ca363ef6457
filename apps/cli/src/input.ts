import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { usage } from './exit-codes';

/** Reads all of stdin (piped input). */
export async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A post body from `--body`, else `--body-file`, else piped stdin. A terminal with nothing piped is a
 * usage error rather than a silent wait.
 */
export async function readBody(options: {
  body?: string | undefined;
  bodyFile?: string | undefined;
}): Promise<string> {
  if (options.body !== undefined) return options.body;
  if (options.bodyFile !== undefined) {
    try {
      return await readFile(options.bodyFile, 'utf8');
    } catch {
      throw usage(`Cannot read --body-file ${options.bodyFile}.`);
    }
  }
  if (process.stdin.isTTY)
    throw usage('Give the text with --body "…", --body-file <path>, or pipe it on stdin.');
  return readStdin();
}

/** Asks for a password on the terminal without echoing it. */
export async function promptPassword(question: string): Promise<string> {
  // The terminal echo goes to a sink: the password never appears on screen.
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  process.stderr.write(question);
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
