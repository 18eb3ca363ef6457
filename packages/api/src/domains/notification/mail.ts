import {
  KIND_OF_TYPE,
  MAIL_DELIVERY_LABELS,
  NOTIFICATION_DEFAULTS,
  NOTIFICATION_KIND_LABELS,
  type NotificationKind,
} from '@devflow/contract';
import {
  type DeliveryDefaults,
  type Executor,
  markNotificationsMailed,
  type NotificationType,
  notificationsAwaitingMail,
} from '@devflow/db';
import type { ApiConfig } from '../../config';
import type { ApiDeps } from '../../deps';
import { enqueueMail } from '../../platform/mail';
import { signUnsubscribeToken } from '../../platform/unsubscribe-token';

/** The contract's defaults, by stored notification type, as the mail queries take them. */
export const DELIVERY_DEFAULTS: DeliveryDefaults = {
  answer: NOTIFICATION_DEFAULTS.answer,
  reply: NOTIFICATION_DEFAULTS.reply,
  follow: NOTIFICATION_DEFAULTS.follow,
  accepted: NOTIFICATION_DEFAULTS.accepted,
  // Badges are announced in the app only (no setting covers them).
  badge: 'off',
  watched_question: NOTIFICATION_DEFAULTS.watchedQuestion,
  watched_tag: NOTIFICATION_DEFAULTS.watchedTag,
};

/** A notification as a mail tells of it. */
export type MailedNotification = Awaited<ReturnType<typeof notificationsAwaitingMail>>[number];

/** One line of a mail: text, optionally linked. */
type Line = { text: string; href?: string };

/**
 * A notification mail before rendering: the one template that both the plain-text and the HTML bodies
 * come from, so they always say the same thing.
 */
export type MailDocument = {
  subject: string;
  greeting: string;
  /** Sections (a question each, in a digest), each a heading and lines. */
  sections: { heading: Line; lines: Line[] }[];
  /** Why the mail came, and where to change it. */
  footer: Line[];
  unsubscribeUrl: string;
};

/** What the sentence of a notification says after the actor's name. */
const VERBS: Record<NotificationType, string> = {
  answer: 'answered your question',
  reply: 'replied to your post',
  follow: 'started following you',
  accepted: 'accepted your answer',
  badge: 'earned a badge',
  watched_question: 'answered a question you watch',
  watched_tag: 'asked a question in a tag you watch',
};

/** The page a notification leads to, under `PUBLIC_URL`. */
function linkOf(publicUrl: string, row: MailedNotification): string {
  const base = publicUrl.replace(/\/+$/, '');
  if (row.questionId === null) return `${base}/users/${encodeURIComponent(row.actorUsername)}`;
  return `${base}/questions/${row.questionId}`;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The plain-text body of a mail document. */
export function renderText(doc: MailDocument): string {
  const line = (l: Line) => (l.href ? `${l.text}\n  ${l.href}` : l.text);
  const sections = doc.sections.map((s) =>
    [line(s.heading), ...s.lines.map((l) => `- ${line(l)}`)].join('\n'),
  );
  return [
    doc.greeting,
    '',
    sections.join('\n\n'),
    '',
    '--',
    ...doc.footer.map(line),
    `Unsubscribe from these mails: ${doc.unsubscribeUrl}`,
    '',
  ].join('\n');
}

/** The HTML body of a mail document (every text escaped). */
export function renderHtml(doc: MailDocument): string {
  const line = (l: Line) =>
    l.href ? `<a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a>` : escapeHtml(l.text);
  const sections = doc.sections
    .map(
      (s) =>
        `<h2 style="font-size:16px">${line(s.heading)}</h2><ul>${s.lines.map((l) => `<li>${line(l)}</li>`).join('')}</ul>`,
    )
    .join('');
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${escapeHtml(doc.greeting)}</p>`,
    sections,
    '<hr>',
    ...doc.footer.map((l) => `<p style="color:#666;font-size:12px">${line(l)}</p>`),
    `<p style="color:#666;font-size:12px"><a href="${escapeHtml(doc.unsubscribeUrl)}">Unsubscribe from these mails</a></p>`,
    '</body></html>',
  ].join('');
}

/** The web page and the one-click endpoint (RFC 8058) of an unsubscribe token. */
export function unsubscribeUrls(publicUrl: string, token: string) {
  const base = publicUrl.replace(/\/+$/, '');
  const query = `token=${encodeURIComponent(token)}`;
  return { page: `${base}/unsubscribe?${query}`, oneClick: `${base}/mail/unsubscribe?${query}` };
}

/**
 * The mail of one user's notifications: one notification mailed at once, or a digest that groups them
 * by question (newest question activity last, as they happened).
 */
export function notificationMail(
  config: Pick<ApiConfig, 'publicUrl' | 'appSecret'>,
  rows: MailedNotification[],
  delivery: 'instant' | 'daily' | 'weekly',
): { to: string; subject: string; text: string; html: string; headers: Record<string, string> } {
  const first = rows[0];
  if (!first) throw new Error('a notification mail needs a notification');
  const kinds = [
    ...new Set(
      rows.flatMap((row): NotificationKind[] => (row.type === 'badge' ? [] : [KIND_OF_TYPE[row.type]])),
    ),
  ];
  const token = signUnsubscribeToken(config.appSecret, { userId: first.userId, kinds });
  const urls = unsubscribeUrls(config.publicUrl, token);
  const groups = new Map<string, MailedNotification[]>();
  for (const row of rows) {
    const key = row.questionId === null ? `user:${row.id}` : `question:${row.questionId}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const sections = [...groups.values()].map((group) => {
    const head = group[0] ?? first;
    return {
      heading: {
        text: head.questionTitle ?? `${head.actorName} ${VERBS[head.type]}`,
        href: linkOf(config.publicUrl, head),
      },
      lines: group.map((row) => ({ text: `${row.actorName} ${VERBS[row.type]}` })),
    };
  });
  const subject =
    delivery === 'instant'
      ? `${first.actorName} ${VERBS[first.type]}${first.questionTitle ? `: ${first.questionTitle}` : ''}`
      : `Your ${delivery} DevFlow digest: ${rows.length} new ${rows.length === 1 ? 'notification' : 'notifications'}`;
  const doc: MailDocument = {
    subject,
    greeting: `Hello ${first.username},`,
    sections,
    footer: [
      {
        text: `You get this mail for: ${kinds.map((kind) => NOTIFICATION_KIND_LABELS[kind]).join(', ')} (${MAIL_DELIVERY_LABELS[delivery].toLowerCase()}). Change what DevFlow mails you`,
        href: `${config.publicUrl.replace(/\/+$/, '')}/settings/notifications`,
      },
    ],
    unsubscribeUrl: urls.page,
  };
  return {
    to: first.email,
    subject: doc.subject,
    text: renderText(doc),
    html: renderHtml(doc),
    headers: {
      'List-Unsubscribe': `<${urls.oneClick}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

/**
 * Enqueues the instant mails of new notifications `ids`, in the caller's transaction (so a rolled-back
 * cause mails nothing): one mail per notification whose kind the recipient gets `instant`, to a verified
 * address; each marked mailed so no digest repeats it. The mail's de-duplication key is the
 * notification, so a retried job never sends it twice.
 */
export async function mailNewNotifications(
  tx: Executor,
  deps: Pick<ApiDeps, 'config' | 'jobs'>,
  ids: number[],
): Promise<void> {
  if (ids.length === 0) return;
  const rows = await notificationsAwaitingMail(tx, {
    ids,
    delivery: 'instant',
    defaults: DELIVERY_DEFAULTS,
    limit: ids.length,
  });
  for (const row of rows) {
    await enqueueMail(deps, tx, {
      ...notificationMail(deps.config, [row], 'instant'),
      dedupeKey: `notification:${row.id}`,
    });
  }
  await markNotificationsMailed(
    tx,
    rows.map((row) => row.id),
  );
}

/** How many notifications one digest run reads at most (the next run takes the rest). */
const DIGEST_BATCH = 5000;

/**
 * Sends the `daily` or `weekly` digests: for every user, their unread notifications not mailed yet whose
 * kind they get in this digest, grouped by question, in one mail; then marks them mailed. Each user's
 * mail and marks commit together (one transaction per user), so a crash repeats nothing and loses
 * nothing; the de-duplication key (user and newest notification) keeps a retried run from mailing twice.
 * Returns how many digests were enqueued.
 */
export async function sendDigests(
  deps: Pick<ApiDeps, 'db' | 'config' | 'jobs'>,
  period: 'daily' | 'weekly',
): Promise<number> {
  const rows = await notificationsAwaitingMail(deps.db, {
    ids: null,
    delivery: period,
    defaults: DELIVERY_DEFAULTS,
    limit: DIGEST_BATCH,
  });
  const byUser = new Map<number, MailedNotification[]>();
  for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row]);
  for (const [userId, mine] of byUser) {
    const last = mine[mine.length - 1];
    await deps.db.transaction(async (tx) => {
      await enqueueMail(deps, tx, {
        ...notificationMail(deps.config, mine, period),
        dedupeKey: `digest:${period}:${userId}:${last?.id ?? 0}`,
      });
      await markNotificationsMailed(
        tx,
        mine.map((row) => row.id),
      );
    });
  }
  return byUser.size;
}
