import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { settings } from '../schema';

/** The stored moderation settings as JSON (validated by the api), or null when none were ever saved. */
export async function readSiteSettings(db: Executor): Promise<unknown> {
  const [row] = await readSiteSettingsQuery(db);
  return row ? row.settings : null;
}

/**
 * The statement of `readSiteSettings`. Exported so the bench's bare twin sends the very statement the
 * privilege check and the badge rules send (bench/write-twins.ts).
 */
export function readSiteSettingsQuery(db: Executor) {
  return db.select({ settings: settings.settings }).from(settings).where(eq(settings.id, 1)).limit(1);
}

/** Stores the moderation settings (the one row, created on first save). */
export async function writeSiteSettings(
  db: Executor,
  params: { settings: unknown; updatedBy: number },
): Promise<void> {
  await db
    .insert(settings)
    .values({ id: 1, settings: params.settings, updatedBy: params.updatedBy })
    .onConflictDoUpdate({
      target: settings.id,
      set: { settings: params.settings, updatedBy: params.updatedBy, updatedAt: sql`now()` },
    });
}
