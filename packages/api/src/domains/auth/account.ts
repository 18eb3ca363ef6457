import type { publicUserOutput } from '@devflow/contract';
import { toId, toIso } from '@devflow/contract';
import {
  anyUserExists,
  type Executor,
  findUserById,
  findUserByUsername,
  insertUserRow,
  lockFirstUserCheck,
  PgErrorCode,
  pgConstraint,
  pgErrorCode,
  type UserRow,
  usersWithEmailOrUsername,
} from '@devflow/db';
import { findUserByEmail } from '@devflow/db/queries/oauth';
import type { z } from 'zod';
import { ConflictError } from '../../platform/domain-errors';
import type { SessionUser } from '../../trpc/context';

export { findUserById, type UserRow };

/** What `insertUser` needs; the role is decided by the first-user rule, never by the caller. */
export type NewUser = {
  email: string;
  username: string;
  passwordHash: string | null;
  emailVerified: boolean;
  displayName?: string | null;
  avatarUrl?: string | null;
};

/**
 * Inserts an account inside the caller's transaction. The first account of an empty database becomes
 * `admin`: when the table looks empty, a transaction-scoped advisory lock serializes the check and the
 * insert, so two simultaneous first registrations cannot both become admin. A taken email or username
 * (case-insensitive unique indexes) is CONFLICT naming which one, also when two registrations race.
 */
export async function insertUser(tx: Executor, input: NewUser): Promise<UserRow> {
  let role: UserRow['role'] = 'user';
  if (!(await anyUserExists(tx))) {
    await lockFirstUserCheck(tx);
    if (!(await anyUserExists(tx))) role = 'admin';
  }
  try {
    return await insertUserRow(tx, {
      email: input.email,
      username: input.username,
      passwordHash: input.passwordHash,
      emailVerified: input.emailVerified,
      displayName: input.displayName ?? null,
      avatarUrl: input.avatarUrl ?? null,
      role,
    });
  } catch (error) {
    throw conflictFrom(error) ?? error;
  }
}

/** Turns a unique violation on the email or username index into CONFLICT; null for anything else. */
export function conflictFrom(error: unknown): ConflictError | null {
  if (pgErrorCode(error) !== PgErrorCode.uniqueViolation) return null;
  const constraint = pgConstraint(error) ?? '';
  const what = constraint.includes('email') ? 'email address' : 'username';
  return new ConflictError(`That ${what} is already taken.`, { cause: error });
}

/**
 * Which of `email` / `username` already belong to an account (case-insensitively), so registration
 * can name the taken one before spending a password hash. The unique indexes still decide races.
 */
export async function findTaken(
  db: Executor,
  params: { email: string; username: string },
): Promise<'email address' | 'username' | null> {
  const rows = await usersWithEmailOrUsername(db, params);
  if (rows.length === 0) return null;
  return rows.some((row) => row.email.toLowerCase() === params.email.toLowerCase())
    ? 'email address'
    : 'username';
}

/** The account whose email (with an `@`) or username is `login`, case-insensitively. */
export async function findUserByLogin(db: Executor, login: string): Promise<UserRow | null> {
  if (login.includes('@')) return (await findUserByEmail(db, login)) ?? null;
  return findUserByUsername(db, login);
}

/** The account as procedures see it in `ctx.user`. */
export function toSessionUser(row: UserRow): SessionUser {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    emailVerified: row.emailVerified,
    suspendedUntil: row.suspendedUntil,
  };
}

/** The `user` object auth procedures return to the account's owner (`publicUserOutput`). */
export type PublicUser = z.infer<typeof publicUserOutput>;

/** Shapes an account row as the `user` object of `auth.*` answers. */
export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: toId(row.id),
    username: row.username,
    email: row.email,
    displayName: row.displayName,
    avatarUrl: row.avatarUrl,
    role: row.role,
    emailVerified: row.emailVerified,
    createdAt: toIso(row.createdAt),
    suspendedUntil: row.suspendedUntil ? toIso(row.suspendedUntil) : null,
  };
}
