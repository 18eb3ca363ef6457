import {
  type SiteSettings,
  type siteSettingsInput,
  type siteSettingsOutput,
  thresholdsOf,
} from '@devflow/contract';
import { writeSiteSettings } from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { invalidateCommitted } from '../../platform/cache/scopes';
import { assertCan } from '../../platform/policy';
import { getSiteSettings } from '../../platform/settings';
import type { SessionUser } from '../../trpc/context';

/** The settings as `admin.settings.get` / `set` return them: stored values and the thresholds in force. */
function withEffective(settings: SiteSettings): z.infer<typeof siteSettingsOutput> {
  return { ...settings, effective: thresholdsOf(settings) };
}

/** `admin.settings.get` (admins, suspended ones too: reading is not writing). */
export async function getSettings(
  deps: ApiDeps,
  actor: SessionUser,
): Promise<z.infer<typeof siteSettingsOutput>> {
  assertCan(actor, 'settings.view');
  return withEffective(await getSiteSettings(deps));
}

/**
 * `admin.settings.set` (admins, via `adminProcedure`): changes the given settings and keeps the others;
 * `thresholds` replaces the whole set of overrides (send `{}` to go back to the preset's). Every server
 * process reads the row on each decision (`getSiteSettings`), so the change applies at once everywhere;
 * cached profiles (their reputation depends on the preset) are invalidated after the commit.
 */
export async function setSettings(
  deps: ApiDeps,
  actor: SessionUser,
  input: z.infer<typeof siteSettingsInput>,
): Promise<z.infer<typeof siteSettingsOutput>> {
  const next = await deps.db.transaction(async (tx) => {
    const current = await getSiteSettings(deps, tx);
    const merged: SiteSettings = {
      privilegePreset: input.privilegePreset ?? current.privilegePreset,
      thresholds: input.thresholds ?? current.thresholds,
      flagsToHide: input.flagsToHide ?? current.flagsToHide,
      closeVotesToClose: input.closeVotesToClose ?? current.closeVotesToClose,
      closeVoteExpiryDays: input.closeVoteExpiryDays ?? current.closeVoteExpiryDays,
    };
    await writeSiteSettings(tx, { settings: merged, updatedBy: actor.id });
    return merged;
  });
  await invalidateCommitted(deps, () => ({ settings: true }));
  return withEffective(next);
}
