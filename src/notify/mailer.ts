import type { Transporter } from 'nodemailer';
import type { DevMailbox } from './dev-mailbox.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

/** Real mail over SMTP (`SMTP_URL`). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  // nodemailer is loaded with the first mail, not at start (a tenth of a second of CPU).
  let transport: Promise<Transporter> | undefined;
  const open = () => (transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(smtpUrl)));
  return {
    async send(mail) {
      await (await open()).sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    async close() {
      if (transport) (await transport).close();
    },
  };
}

/** Without SMTP, mail lands in the dev mailbox under `dataDir`. */
export function mailboxMailer(mailbox: DevMailbox): Mailer {
  return {
    send: (mail) => mailbox.deliver({ ...mail, channel: 'email' }),
    close: async () => undefined,
  };
}
