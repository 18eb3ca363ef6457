import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * argon2id at OWASP's minimum: 19 MiB memory, 2 passes, 1 lane (its cost per hash is what the login rate limits protect; bench/RESULTS.md).
 * `algorithm: 2` is `Algorithm.Argon2id`, a const enum that isolated modules cannot import.
 */
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * The 1,000 most common passwords, lower-cased. The list is zxcvbn-ts's `passwords-common` dictionary
 * (ranked by frequency in leaked password dumps), so it stays maintained with that package.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  dictionary['passwords-common'].slice(0, 1000).map((password) => password.toLowerCase()),
);

/** True when `password` (case-insensitively) is one of the 1,000 most common passwords. */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}

/** Hashes a password with argon2id; the PHC string carries its own salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** Computed once at start, so even the first unknown-user login costs one verify, like any other. */
const dummyHash = hashPassword('devflow-dummy-password-for-constant-time');

/**
 * Verifies `password` against `passwordHash`. With no hash (unknown user, or an OAuth-only account) it
 * verifies against a dummy hash with the same parameters and returns false, so "no such user" costs
 * the same time as "wrong password".
 */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
