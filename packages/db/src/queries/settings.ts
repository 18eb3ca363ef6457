import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { settings } from '../schema';

/** The stored moderation settings as JSON (validated by the api), or null when none were ever saved. */
export async function readSiteSettings(db: Executor): Promise<unknown> {
  return storedSettingsOf(await siteSettingsQuery(db));
}

/**
 * The select of `readSiteSettings`. Exported so the bench's bare twins send the very statement
 * `user.byUsername`, the privilege check and the badge rules send (bench/queries-user.ts, bench/write-twins.ts).
 */
export function siteSettingsQuery(db: Executor) {
  return db.select(siteSettingsColumns).from(settings).where(eq(settings.id, 1)).limit(1);
}

/** The selection of `siteSettingsQuery`. Exported so the bench's bare twin maps its rows alike. */
export const siteSettingsColumns = { settings: settings.settings };

/**
 * The stored settings in the rows of `siteSettingsQuery`, or null when none were ever saved. Exported so
 * the bench's bare twin reads them alike (bench/queries-user.ts).
 */
export function storedSettingsOf(rows: { settings: unknown }[]): unknown {
  const [row] = rows;
  return row ? row.settings : null;
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
