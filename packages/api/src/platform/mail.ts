import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import type { ApiConfig } from '../config';
import type { ApiDeps } from '../deps';

/** A message DevFlow sends; `code` is the one-time code it carries, if any. */
export type MailMessage = { to: string; subject: string; text: string; code?: string };

/** The address DevFlow's mails come from. */
export const MAIL_FROM = 'DevFlow <no-reply@devflow.local>';

const transports = new WeakMap<ApiConfig, Transporter>();

/** The SMTP transport of this configuration (pooled, one per config object). */
function transportOf(config: ApiConfig, smtpUrl: string): Transporter {
  let transport = transports.get(config);
  if (!transport) {
    transport = createTransport(smtpUrl);
    transports.set(config, transport);
  }
  return transport;
}

/**
 * Sends a mail: through SMTP when `config.smtpUrl` is set, otherwise appended as one JSON line
 * `{ to, subject, text, code, at }` to `config.mailOutbox` (development and tests read codes there).
 * The log line never contains the code.
 */
export async function sendMail(deps: Pick<ApiDeps, 'config' | 'log'>, message: MailMessage): Promise<void> {
  const { config, log } = deps;
  if (config.smtpUrl) {
    await transportOf(config, config.smtpUrl).sendMail({
      from: MAIL_FROM,
      to: message.to,
      subject: message.subject,
      text: message.text,
    });
    log.info({ to: message.to, subject: message.subject }, 'mail sent');
    return;
  }
  await mkdir(dirname(config.mailOutbox), { recursive: true });
  const line = JSON.stringify({
    to: message.to,
    subject: message.subject,
    text: message.text,
    code: message.code ?? null,
    at: new Date().toISOString(),
  });
  await appendFile(config.mailOutbox, `${line}\n`, 'utf8');
  log.info({ to: message.to, subject: message.subject, outbox: config.mailOutbox }, 'mail written to outbox');
}
