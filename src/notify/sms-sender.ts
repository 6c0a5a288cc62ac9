import type { DevMailbox } from './dev-mailbox.ts';

/** Text messages. A platform plugs its SMS provider in here; without one they go to the dev mailbox. */
export interface SmsSender {
  send(to: string, text: string): Promise<void>;
}

export function mailboxSmsSender(mailbox: DevMailbox): SmsSender {
  return {
    send: (to, text) => mailbox.deliver({ to, subject: 'SMS', text, html: '', channel: 'sms' }),
  };
}
