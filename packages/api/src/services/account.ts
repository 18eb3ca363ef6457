import { type Executor, PgErrorCode, pgConstraint, pgErrorCode, queryRows, users } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import type { SessionUser } from '../context';
import { toId, toIso } from '../schemas/common';

/** A row of the `users` table. */
export type UserRow = typeof users.$inferSelect;

/** What `insertUser` needs; the role is decided by the first-user rule, never by the caller. */
export type NewUser = {
  email: string;
  username: string;
  passwordHash: string | null;
  emailVerified: boolean;
  displayName?: string | null;
  avatarUrl?: string | null;
};

/** Names DevFlow's "first user becomes admin" lock among PostgreSQL advisory locks. */
const FIRST_USER_LOCK_ID = 724_137_002;

/**
 * Inserts an account inside the caller's transaction. The first account of an empty database becomes
 * `admin`: when the table looks empty, a transaction-scoped advisory lock serializes the check and the
 * insert, so two simultaneous first registrations cannot both become admin. A taken email or username
 * (case-insensitive unique indexes) is CONFLICT naming which one, also when two registrations race.
 */
export async function insertUser(tx: Executor, input: NewUser): Promise<UserRow> {
  let role: UserRow['role'] = 'user';
  if (!(await hasAnyUser(tx))) {
    await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_USER_LOCK_ID})`);
    if (!(await hasAnyUser(tx))) role = 'admin';
  }
  try {
    const [row] = await tx
      .insert(users)
      .values({
        email: input.email,
        username: input.username,
        passwordHash: input.passwordHash,
        emailVerified: input.emailVerified,
        displayName: input.displayName ?? null,
        avatarUrl: input.avatarUrl ?? null,
        role,
      })
      .returning();
    if (!row) throw new Error('insert into users returned no row');
    return row;
  } catch (error) {
    throw conflictFrom(error) ?? error;
  }
}

async function hasAnyUser(tx: Executor): Promise<boolean> {
  const [row] = await queryRows<{ any: boolean }>(tx, sql`select exists (select 1 from ${users}) as "any"`);
  return row?.any === true;
}

/** Turns a unique violation on the email or username index into CONFLICT; null for anything else. */
export function conflictFrom(error: unknown): TRPCError | null {
  if (pgErrorCode(error) !== PgErrorCode.uniqueViolation) return null;
  const constraint = pgConstraint(error) ?? '';
  const what = constraint.includes('email') ? 'email address' : 'username';
  return new TRPCError({
    code: 'CONFLICT',
    message: `That ${what} is already taken.`,
    cause: error,
  });
}

/**
 * Which of `email` / `username` already belong to an account (case-insensitively), so registration
 * can name the taken one before spending a password hash. The unique indexes still decide races.
 */
export async function findTaken(
  db: Executor,
  params: { email: string; username: string },
): Promise<'email address' | 'username' | null> {
  const rows = await db
    .select({ email: users.email })
    .from(users)
    .where(
      sql`lower(${users.email}) = lower(${params.email}) or lower(${users.username}) = lower(${params.username})`,
    )
    .limit(2);
  if (rows.length === 0) return null;
  return rows.some((row) => row.email.toLowerCase() === params.email.toLowerCase())
    ? 'email address'
    : 'username';
}

/** The account whose email (with an `@`) or username is `login`, case-insensitively. */
export async function findUserByLogin(db: Executor, login: string): Promise<UserRow | null> {
  const column = login.includes('@') ? users.email : users.username;
  const [row] = await db.select().from(users).where(sql`lower(${column}) = lower(${login})`).limit(1);
  return row ?? null;
}

/** The account with this id, or null. */
export async function findUserById(db: Executor, id: number): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
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

/** The `user` object auth procedures return to the account's owner (CONTRACT.md). */
export type PublicUser = {
  id: string;
  username: string;
  email: string;
  displayName: string | null;
  avatarUrl: string | null;
  role: UserRow['role'];
  emailVerified: boolean;
  createdAt: string;
  suspendedUntil: string | null;
};

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
