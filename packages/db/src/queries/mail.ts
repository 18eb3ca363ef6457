import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { mailDeliveries } from '../schema';

/** What `claimMailDelivery` found: the mail is this attempt's to send, already sent, or being sent. */
export type MailClaim = 'claimed' | 'sent' | 'busy';

/**
 * Claims the mail `dedupeKey` for job `jobId`: succeeds when nobody claimed it, when the claim is this
 * job's own (an earlier attempt of it failed), or when another job's claim is older than
 * `staleSeconds` (that attempt died). Otherwise answers `sent` (a mail server accepted it already)
 * or `busy` (another job is sending it right now). One statement, so two attempts never both win.
 */
export async function claimMailDelivery(
  db: Executor,
  params: { dedupeKey: string; jobId: string; staleSeconds: number },
): Promise<MailClaim> {
  const stale = `${params.staleSeconds} seconds`;
  const won = await db
    .insert(mailDeliveries)
    .values({ dedupeKey: params.dedupeKey, jobId: params.jobId })
    .onConflictDoUpdate({
      target: mailDeliveries.dedupeKey,
      set: { jobId: params.jobId, claimedAt: sql`now()` },
      setWhere: sql`${mailDeliveries.sentAt} is null and (${mailDeliveries.jobId} = ${params.jobId} or ${mailDeliveries.claimedAt} < now() - ${stale}::interval)`,
    })
    .returning({ key: mailDeliveries.dedupeKey });
  if (won.length > 0) return 'claimed';
  const [row] = await db
    .select({ sentAt: mailDeliveries.sentAt })
    .from(mailDeliveries)
    .where(eq(mailDeliveries.dedupeKey, params.dedupeKey));
  return row?.sentAt ? 'sent' : 'busy';
}

/** Marks the mail `dedupeKey`, claimed by `jobId`, as accepted by the mail server. */
export async function markMailSent(
  db: Executor,
  params: { dedupeKey: string; jobId: string },
): Promise<void> {
  await db
    .update(mailDeliveries)
    .set({ sentAt: sql`now()` })
    .where(and(eq(mailDeliveries.dedupeKey, params.dedupeKey), eq(mailDeliveries.jobId, params.jobId)));
}

/** Gives up `jobId`'s claim on a mail it could not send, so any later attempt may take it. */
export async function releaseMailClaim(
  db: Executor,
  params: { dedupeKey: string; jobId: string },
): Promise<void> {
  await db
    .delete(mailDeliveries)
    .where(
      and(
        eq(mailDeliveries.dedupeKey, params.dedupeKey),
        eq(mailDeliveries.jobId, params.jobId),
        isNull(mailDeliveries.sentAt),
      ),
    );
}

/** Deletes delivery records claimed before `before`; returns how many went. */
export async function deleteMailDeliveriesBefore(db: Executor, before: Date): Promise<number> {
  const rows = await db
    .delete(mailDeliveries)
    .where(lt(mailDeliveries.claimedAt, before))
    .returning({ key: mailDeliveries.dedupeKey });
  return rows.length;
}
