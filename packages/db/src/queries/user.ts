import { and, desc, eq, lt, or, type Placeholder, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client';
import { users } from '../schema';
import { followCountColumns } from './follow';
import type { DbNumber } from './rows';

/** A row of the `users` table. */
export type UserRow = typeof users.$inferSelect;

/** The columns of a new account (`insertUserRow`); id, timestamps and profile texts take their defaults. */
export type NewUserRow = Pick<
  typeof users.$inferInsert,
  'email' | 'username' | 'passwordHash' | 'emailVerified' | 'displayName' | 'avatarUrl' | 'role'
>;

/** Columns of an account that `updateUser` may set (profile, moderation and sign-in fields). */
export type UserChanges = Partial<
  Pick<
    typeof users.$inferInsert,
    | 'displayName'
    | 'bio'
    | 'bioHtml'
    | 'avatarUrl'
    | 'role'
    | 'suspendedUntil'
    | 'passwordHash'
    | 'emailVerified'
  >
>;

/** Names DevFlow's "first user becomes admin" lock among PostgreSQL advisory locks. */
const FIRST_USER_LOCK_ID = 724_137_002;

/** The account with this id, or null. */
export async function findUserById(db: Executor, id: number): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

/**
 * The select of `findUserByUsername` (what `auth.login` reads for a username). Exported so the bench
 * explains this very SQL (bench/explain.ts) and its bare twin of `user.byUsername` sends it
 * (bench/queries-user.ts).
 */
export function userByUsernameQuery(db: Executor, username: string | Placeholder) {
  return db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`).limit(1);
}

/** The account named `username`, compared case-insensitively (the `users_username_lower_idx` index), or null. */
export async function findUserByUsername(db: Executor, username: string): Promise<UserRow | null> {
  const [row] = await userByUsernameQuery(db, username);
  return row ?? null;
}

/** Whether an account with this id exists. */
export async function userExists(db: Executor, id: number): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.id, id));
  return row !== undefined;
}

/** Whether the `users` table holds any account. */
export async function anyUserExists(db: Executor): Promise<boolean> {
  const [row] = await queryRows<{ any: boolean }>(db, sql`select exists (select 1 from ${users}) as "any"`);
  return row?.any === true;
}

/**
 * Takes the transaction-scoped advisory lock that serializes "is this the first account?" checks with
 * the insert that follows them; released when the transaction ends.
 */
export async function lockFirstUserCheck(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_USER_LOCK_ID})`);
}

/** Inserts an account; a taken email or username fails with the unique violation of its lower() index. */
export async function insertUserRow(db: Executor, values: NewUserRow): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  if (!row) throw new Error('insert into users returned no row');
  return row;
}

/**
 * The emails of at most two accounts whose email is `email` or whose username is `username`
 * (case-insensitively, through the lower() unique indexes).
 */
export async function usersWithEmailOrUsername(
  db: Executor,
  params: { email: string; username: string },
): Promise<{ email: string }[]> {
  return db
    .select({ email: users.email })
    .from(users)
    .where(
      sql`lower(${users.email}) = lower(${params.email}) or lower(${users.username}) = lower(${params.username})`,
    )
    .limit(2);
}

/** Sets `changes` (and `updatedAt`) on the account; its new row, or null when it does not exist. */
export async function updateUser(db: Executor, id: number, changes: UserChanges): Promise<UserRow | null> {
  const [row] = await db
    .update(users)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row ?? null;
}

/**
 * What a profile counts, in one statement: followers and following (`followCountColumns`, over the
 * follows primary key and `follows_followee_idx`), and the account's non-deleted questions and answers
 * (the author indexes).
 */
export async function profileCounts(db: Executor, userId: number): Promise<ProfileCounts> {
  const [row] = await queryRows<ProfileCountsRow>(db, profileCountsStatement(userId));
  return toProfileCounts(row);
}

/** What `profileCounts` returns. */
export type ProfileCounts = { followers: number; following: number; questions: number; answers: number };

/** One row of `profileCountsStatement` as either driver returns it. */
export type ProfileCountsRow = {
  followers: DbNumber;
  following: DbNumber;
  questions: DbNumber;
  answers: DbNumber;
};

/**
 * The statement of `profileCounts`. Exported so the bench's bare twin sends the very statement
 * `user.byUsername` sends (bench/queries-user.ts).
 */
export function profileCountsStatement(userId: number | Placeholder): SQL {
  return sql`select
      ${followCountColumns(userId)},
      (select count(*) from questions where author_id = ${userId} and deleted_at is null)::int as questions,
      (select count(*) from answers where author_id = ${userId} and deleted_at is null)::int as answers`;
}

/**
 * The row of `profileCountsStatement` as numbers (zeros when there is none). Exported so the bench's bare
 * twin reads the row alike (bench/queries-user.ts).
 */
export function toProfileCounts(row: ProfileCountsRow | undefined): ProfileCounts {
  return {
    followers: Number(row?.followers ?? 0),
    following: Number(row?.following ?? 0),
    questions: Number(row?.questions ?? 0),
    answers: Number(row?.answers ?? 0),
  };
}

/** Escapes `%`, `_` and `\` so user text matches literally inside LIKE. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * Accounts newest first (keyset on id: those below `beforeId`), optionally only those whose username
 * starts with `search` or whose display name contains it (case-insensitive, matched literally);
 * `limit` rows.
 */
export async function listUserRows(
  db: Executor,
  params: { beforeId: number | null; search: string | null; limit: number },
): Promise<UserRow[]> {
  const conditions: SQL[] = [];
  if (params.beforeId !== null) conditions.push(lt(users.id, params.beforeId));
  if (params.search) {
    const q = likeLiteral(params.search.toLowerCase());
    const match = or(
      sql`lower(${users.username}) like ${`${q}%`}`,
      sql`lower(coalesce(${users.displayName}, '')) like ${`%${q}%`}`,
    );
    if (match) conditions.push(match);
  }
  return db
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(desc(users.id))
    .limit(params.limit);
}
