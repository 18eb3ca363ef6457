import { isDevflowError, toDevflowError } from '@devflow/client';

/** The CLI's exit codes: scripts branch on them. */
export const EXIT = {
  ok: 0,
  /** The API refused the call (validation, not found, forbidden, rate limited…). */
  apiError: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /** The server could not be reached. */
  unreachable: 3,
  /** Not signed in, or the saved session expired or was revoked. */
  signedOut: 4,
} as const;

/** An exit code of the CLI. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports as one line on stderr, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error (exit 2). */
export function usage(message: string): CliError {
  return new CliError(message, EXIT.usage);
}

/** Tells the user to sign in (exit 4). */
export function signedOut(message = 'Not signed in. Run `devflow login <username>` first.'): CliError {
  return new CliError(message, EXIT.signedOut);
}

/**
 * Maps anything a command throws to the line printed and the exit code: API errors show their tRPC code
 * and message (with the invalid fields), a refused connection says which URL, an UNAUTHORIZED answer to
 * a signed-in call says the session ended. Never a stack trace.
 */
export function describeFailure(error: unknown, context: { url: string; hadToken: boolean }): CliError {
  if (error instanceof CliError) return error;
  const failure = isDevflowError(error) ? error : toDevflowError(error);
  if (failure.code === 'NETWORK_ERROR') {
    return new CliError(
      `${failure.message} (${context.url}). Is the server running? Set it with --url or DEVFLOW_URL.`,
      EXIT.unreachable,
    );
  }
  if (failure.code === 'UNAUTHORIZED') {
    return context.hadToken
      ? signedOut('Your session has expired or was revoked. Run `devflow login <username>` again.')
      : signedOut(`${failure.message} Run \`devflow login <username>\` first.`);
  }
  const fields = failure.issues.length > 0 && !failure.message.includes(failure.issues[0]?.message ?? '');
  const details = fields
    ? ` (${failure.issues.map((i) => `${i.path || 'input'}: ${i.message}`).join('; ')})`
    : '';
  const wait = failure.retryAfter ? ` Retry in ${failure.retryAfter}s.` : '';
  return new CliError(`${failure.code}: ${failure.message}${details}${wait}`, EXIT.apiError);
}
