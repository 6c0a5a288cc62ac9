import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { users } from './accounts.tables.ts';
import { openForUser } from './user-crypto.ts';
import { QUEUES } from '../jobs/queues.ts';
import { calendarTimeZone } from '../domain/working-days.ts';
import { hasSmsForm, renderMessage, renderSms, toLocale } from '../notify/render.ts';

export type Channel = 'email' | 'sms';

/** What a notification job carries: ids and non-personal values only. */
export interface NotificationJob {
  userId: string;
  template: string;
  /** Non-personal values for the template (dates, reason codes, counts). */
  vars?: Record<string, string | number>;
  /** A path on publicUrl for the message's one button. */
  linkPath?: string;
  /** Restrict to one channel (e.g. an SMS reset code); default: every contact the user has. */
  channel?: Channel;
  /** A secret the handler reads from its own table at send time (never in the payload). */
  secretRef?: { kind: 'password_reset' | 'decision_message'; id: string };
}

/**
 * Queues a notification inside the caller's transaction: one job per channel, so a retry of a
 * failed text message never sends the email twice. Mail goes to the email address; a text goes to
 * the phone when the template has a short SMS form, or when the user has no email.
 */
export async function enqueueNotification(ctx: AppContext, tx: Db, job: NotificationJob): Promise<void> {
  let channels: Channel[];
  if (job.channel) {
    channels = [job.channel];
  } else {
    const [contacts] = await tx.select({ email: users.emailEnc, phone: users.phoneEnc }).from(users).where(eq(users.id, job.userId)).limit(1);
    channels = [];
    if (contacts?.email) channels.push('email');
    if (contacts?.phone && (!contacts.email || hasSmsForm(job.template))) channels.push('sms');
  }
  for (const channel of channels) {
    await ctx.jobs.enqueue(tx, QUEUES.notify.name, { ...job, channel });
  }
}

export type SecretResolver = (
  ctx: AppContext,
  ref: NonNullable<NotificationJob['secretRef']>,
) => Promise<{ linkPath?: string; code?: string; vars?: Record<string, string> } | null>;
const secretResolvers = new Map<string, SecretResolver>();

/** Lets a feature turn a secret reference into its link or code when the message is sent. */
export function registerSecretResolver(kind: string, resolver: SecretResolver): void {
  secretResolvers.set(kind, resolver);
}

/**
 * Sends one notification. Re-checks that the user still exists and is not erased, decrypts the
 * contacts only now, and renders in the user's language and time zone with their anti-phishing code.
 */
export async function deliverNotification(ctx: AppContext, job: NotificationJob): Promise<void> {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, job.userId)).limit(1);
  if (!user || user.status === 'erased') return;
  const [email, phone, displayName, antiPhishingCode] = await Promise.all([
    openForUser(ctx, user.id, 'email', user.emailEnc),
    openForUser(ctx, user.id, 'phone', user.phoneEnc),
    openForUser(ctx, user.id, 'displayName', user.displayNameEnc),
    openForUser(ctx, user.id, 'antiPhishing', user.antiPhishingEnc),
  ]);
  let linkPath = job.linkPath;
  let vars = job.vars ?? {};
  if (job.secretRef) {
    const resolver = secretResolvers.get(job.secretRef.kind);
    const secret = resolver ? await resolver(ctx, job.secretRef) : null;
    if (!secret) return; // used or expired meanwhile: nothing to send
    linkPath = secret.linkPath ?? linkPath;
    if (secret.code) vars = { ...vars, code: secret.code };
    if (secret.vars) vars = { ...vars, ...secret.vars };
  }
  const locale = toLocale(user.locale);
  // Dates in the buyer's own zone; without one, in the platform's, where its deadlines are counted.
  const timeZone = user.timeZone ?? calendarTimeZone(ctx.config.calendar);
  const firstName = displayName?.trim().split(/\s+/)[0] ?? null;
  const channel: Channel = job.channel ?? 'email';
  if (email && channel === 'email') {
    const message = renderMessage({ template: job.template, locale, firstName, antiPhishingCode, vars, linkPath, timeZone, publicUrl: ctx.config.publicUrl });
    await ctx.mailer.send({ to: email, ...message });
  }
  if (phone && channel === 'sms') {
    await ctx.sms.send(phone, renderSms({ template: job.template, locale, antiPhishingCode, vars, timeZone, publicUrl: ctx.config.publicUrl }), { locale, template: job.template });
  }
}
