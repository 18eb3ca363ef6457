import { createHmac, timingSafeEqual } from 'node:crypto';
import { NOTIFICATION_KINDS, type NotificationKind } from '@devflow/contract';
import { z } from 'zod';

/** What an unsubscribe link stops: some kinds of notification mail of one user. */
export type UnsubscribeClaim = { userId: number; kinds: NotificationKind[] };

const claimShape = z.tuple([
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  z.array(z.enum(NOTIFICATION_KINDS)).min(1).max(NOTIFICATION_KINDS.length),
]);

/** The MAC of a payload: HMAC-SHA256 under the app secret, with a purpose prefix so no other signature matches. */
function macOf(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`devflow-unsubscribe:${payload}`).digest();
}

/**
 * A one-click unsubscribe token: the claim as base64url JSON, a dot, and its HMAC-SHA256 under
 * `APP_SECRET` (base64url). It needs no session and does not expire: the user may click a month-old mail.
 */
export function signUnsubscribeToken(secret: string, claim: UnsubscribeClaim): string {
  const payload = Buffer.from(JSON.stringify([claim.userId, claim.kinds]), 'utf8').toString('base64url');
  return `${payload}.${macOf(secret, payload).toString('base64url')}`;
}

/** The claim of a token made by `signUnsubscribeToken` with this secret, or null for anything else. */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeClaim | null {
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined) return null;
  const expected = macOf(secret, payload);
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = claimShape.safeParse(raw);
  return parsed.success ? { userId: parsed.data[0], kinds: parsed.data[1] } : null;
}
