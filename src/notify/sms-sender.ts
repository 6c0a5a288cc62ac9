import type { Config } from '../config/schema.ts';
import { configuredKeys, messageId, signedHeaders } from '../webhooks/standard-webhooks.ts';
import { VERSION } from '../version.ts';
import type { DevMailbox } from './dev-mailbox.ts';

/** What a text message is about: the gateway may pick a sender id or route by language. */
export interface SmsMeta {
  locale: string;
  template: string;
}

/** Text messages: to the platform's SMS gateway (`sms.provider: http`) or the dev mailbox. */
export interface SmsSender {
  send(to: string, text: string, meta: SmsMeta): Promise<void>;
}

export function mailboxSmsSender(mailbox: DevMailbox): SmsSender {
  return {
    send: (to, text) => mailbox.deliver({ to, subject: 'SMS', text, html: '', channel: 'sms' }),
  };
}

type HttpSms = Extract<Config['sms'], { provider: 'http' }>;

/**
 * A signed POST per message. Anything but a 2xx throws, so the notification job is retried; the
 * error names the status only (the number and the text stay out of logs).
 */
export function httpSmsSender(settings: HttpSms, now: () => Date): SmsSender {
  return {
    async send(to, text, meta) {
      const body = JSON.stringify({ to, text, locale: meta.locale, template: meta.template });
      const response = await fetch(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': `Adieu/${VERSION}`, ...signedHeaders(configuredKeys(settings), messageId(), Math.floor(now().getTime() / 1000), body) },
        body,
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
    },
  };
}

export function smsSenderFor(config: Config, mailbox: DevMailbox, now: () => Date): SmsSender {
  return config.sms.provider === 'http' ? httpSmsSender(config.sms, now) : mailboxSmsSender(mailbox);
}
