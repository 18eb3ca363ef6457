import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message the peer accepted. */
export type ReceivedMail = { from: string; to: string[]; data: string };

/** A real SMTP server on a free loopback port that tests may make refuse mail. */
export type SmtpPeer = {
  /** `smtp://127.0.0.1:<port>`, for `SMTP_URL`. */
  url: string;
  /** Every message accepted so far. */
  received: ReceivedMail[];
  /** Every delivery attempt so far (a MAIL FROM), accepted or not. */
  attempts(): number;
  /** Answer the next `count` attempts with 451 (temporary failure); `Infinity` refuses all of them. */
  refuse(count: number): void;
  /** The accepted mails to `to`. */
  mailsTo(to: string): ReceivedMail[];
  /** Waits (polling, up to `timeoutMs`) until `count` mails to `to` have arrived; returns them. */
  waitForMails(to: string, count?: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
};

/** The 6-digit code a DevFlow code mail carries. */
export function codeOf(mail: ReceivedMail): string {
  const code = /code is (\d{6})/.exec(mail.data)?.[1];
  if (!code) throw new Error('no code in the mail');
  return code;
}

/** Starts an SMTP peer (`smtp-server`, no TLS, no auth) that accepts every mail until told to refuse. */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const received: ReceivedMail[] = [];
  let attempts = 0;
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      attempts += 1;
      if (refusals > 0) {
        refusals -= 1;
        const error = Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      let data = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        data += chunk;
      });
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  const mailsTo = (to: string) => received.filter((mail) => mail.to.includes(to));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    attempts: () => attempts,
    refuse: (count) => {
      refusals = count;
    },
    mailsTo,
    waitForMails: async (to, count = 1, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (mailsTo(to).length < count) {
        if (Date.now() > deadline)
          throw new Error(`${mailsTo(to).length} of ${count} mails to ${to} arrived`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return mailsTo(to);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
