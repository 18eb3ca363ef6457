import { eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { users } from '../schema';

/** Marks `userId`'s email address proven; returns the updated account, or undefined when it is gone. */
export async function markEmailVerified(db: Executor, userId: number) {
  const [row] = await db
    .update(users)
    .set({ emailVerified: true, updatedAt: new Date() })
    .where(eq(users.id, userId))
    .returning();
  return row;
}

/**
 * Sets a new password hash after a password reset; the reset code came by mail, so the address is
 * proven too.
 */
export async function resetUserPassword(
  db: Executor,
  params: { userId: number; passwordHash: string },
): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash: params.passwordHash, emailVerified: true, updatedAt: new Date() })
    .where(eq(users.id, params.userId));
}
