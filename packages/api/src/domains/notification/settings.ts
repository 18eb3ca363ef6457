import type { notificationSettingsOutput, setNotificationSettingsInput } from '@devflow/contract';
import { NOTIFICATION_DEFAULTS, NOTIFICATION_KINDS, type NotificationKind } from '@devflow/contract';
import { findNotificationSettings, saveNotificationSettings, userExists } from '@devflow/db';
import type { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { BadInputError } from '../../platform/domain-errors';
import { verifyUnsubscribeToken } from '../../platform/unsubscribe-token';
import type { SessionUser } from '../../trpc/context';

type Settings = z.infer<typeof notificationSettingsOutput>;

/** The message of a forged, altered or truncated unsubscribe link. */
export const INVALID_UNSUBSCRIBE_MESSAGE =
  'This unsubscribe link is not valid. Sign in to change which mails DevFlow sends you.';

/** A token that does not verify: the unsubscribe endpoint answers 400 with its message. */
export class InvalidUnsubscribeError extends BadInputError {
  constructor() {
    super(INVALID_UNSUBSCRIBE_MESSAGE);
  }
}

/** `userId`'s effective settings: what they chose, the contract's defaults elsewhere. */
async function settingsOf(deps: Pick<ApiDeps, 'db'>, userId: number): Promise<Settings> {
  const row = await findNotificationSettings(deps.db, userId);
  const settings = { ...NOTIFICATION_DEFAULTS };
  for (const kind of NOTIFICATION_KINDS) settings[kind] = row?.[kind] ?? settings[kind];
  return settings;
}

/** `user.notificationSettings`: how each kind of notification reaches the caller by mail. */
export async function getNotificationSettings(
  deps: Pick<ApiDeps, 'db'>,
  actor: SessionUser,
): Promise<Settings> {
  return settingsOf(deps, actor.id);
}

/** `user.setNotificationSettings`: changes the named kinds, keeps the others; returns all of them. */
export async function setNotificationSettings(
  deps: Pick<ApiDeps, 'db'>,
  actor: SessionUser,
  input: z.infer<typeof setNotificationSettingsInput>,
): Promise<Settings> {
  await saveNotificationSettings(deps.db, { userId: actor.id, values: input });
  return settingsOf(deps, actor.id);
}

/**
 * The one-click unsubscribe of a notification mail (RFC 8058): the signed token names the user and the
 * kinds the mail was about; those kinds stop being mailed (`off`). No session is needed — the token is
 * the authorization — and using it twice changes nothing more. A token that does not verify under
 * `APP_SECRET` is BAD_REQUEST and changes nothing.
 */
export async function unsubscribeWithToken(
  deps: Pick<ApiDeps, 'db' | 'config'>,
  token: string,
): Promise<{ ok: true; kinds: NotificationKind[] }> {
  const claim = verifyUnsubscribeToken(deps.config.appSecret, token);
  if (!claim) throw new InvalidUnsubscribeError();
  const values: Partial<Record<NotificationKind, 'off'>> = {};
  for (const kind of claim.kinds) values[kind] = 'off';
  // A user deleted since the mail: the upsert's foreign key would fail, so check first.
  await deps.db.transaction(async (tx) => {
    if (await userExists(tx, claim.userId))
      await saveNotificationSettings(tx, { userId: claim.userId, values });
  });
  return { ok: true, kinds: claim.kinds };
}
