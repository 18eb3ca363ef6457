import { DEFAULT_SITE_SETTINGS, type SiteSettings, siteSettings } from '@devflow/contract';
import { type Executor, readSiteSettings } from '@devflow/db';
import type { ApiDeps } from '../deps';

/**
 * The settings stored in `db` (the `site_settings` row), or the defaults when none were saved. A row
 * that no longer parses (an older shape) falls back to the defaults; `onInvalid` hears about it.
 */
export async function siteSettingsIn(
  db: Executor,
  onInvalid?: (issues: number) => void,
): Promise<SiteSettings> {
  return siteSettingsFrom(await readSiteSettings(db), onInvalid);
}

/**
 * The settings in what `readSiteSettings` read (`siteSettingsIn`'s rule: the defaults when none were saved
 * or they no longer parse). Exported so the bench's bare twins read them alike (bench/queries-user.ts, bench/write-twins.ts).
 */
export function siteSettingsFrom(stored: unknown, onInvalid?: (issues: number) => void): SiteSettings {
  if (stored === null) return DEFAULT_SITE_SETTINGS;
  const parsed = siteSettings.safeParse(stored);
  if (parsed.success) return parsed.data;
  onInvalid?.(parsed.error.issues.length);
  return DEFAULT_SITE_SETTINGS;
}

/**
 * The site's moderation settings (privilege preset, threshold overrides, flag and close-vote numbers),
 * read from the `site_settings` row on every call: one primary-key read, so a change saved by any server
 * process is obeyed at once by every other one, with no cache to invalidate. Pass `db` (an open
 * transaction) when calling inside one: on PGlite a read on `deps.db` would wait for that transaction.
 */
export async function getSiteSettings(
  deps: Pick<ApiDeps, 'db' | 'log'>,
  db: Executor = deps.db,
): Promise<SiteSettings> {
  return siteSettingsIn(db, (issues) =>
    deps.log.warn({ issues }, 'stored site settings do not parse; using the defaults'),
  );
}
