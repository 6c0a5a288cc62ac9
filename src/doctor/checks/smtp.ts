import type { Config } from '../../config/schema.ts';
import { connectionError, failure, ok, type CheckResult } from '../check-result.ts';

/**
 * Connects, greets and (when the URL has a user) logs in, as nodemailer's verify() does; sends
 * nothing. Without SMTP_URL there is nothing to reach (the setting rules report that).
 */
export async function checkSmtp(config: Config): Promise<CheckResult[]> {
  if (!config.mail.smtpUrl) return [];
  const { hostname, port } = new URL(config.mail.smtpUrl);
  // Loaded here: a server that never checks SMTP does not pay for nodemailer at start.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({ url: config.mail.smtpUrl, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 5000 });
  try {
    await transport.verify();
    return [ok('mail (SMTP)', `${hostname}:${port || 'default port'} accepts a session (no mail sent)`)];
  } catch (error) {
    return [failure('mail (SMTP)', `${hostname}:${port || 'default port'}: ${connectionError(error)}`, 'check SMTP_URL (host, port, user, password) and that the mail server runs')];
  } finally {
    transport.close();
  }
}
