import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import { users } from '../../accounts/accounts.tables.ts';
import { platformLink, renderMessage, renderSms, toLocale } from '../../notify/render.ts';
import { loadRunSecrets } from '../run-secrets.ts';
import { completeStep, type RunRow, type StepRow } from '../run-state.ts';

export const certificatePath = (certificateId: string) => `/certificates/${encodeURIComponent(certificateId)}`;

/**
 * The very last message: the certificate, to the address read at the start of the run (the
 * account no longer holds it). Sent directly, not through the notification queue, which skips
 * erased accounts. At least once: a crash after sending and before the mark sends it again.
 */
export async function runNotify(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  const secrets = await loadRunSecrets(ctx, run);
  const certificateId = run.certificateId;
  if (!certificateId) throw new Error('no certificate to send');
  const [user] = await ctx.db.select({ locale: users.locale }).from(users).where(eq(users.id, run.userId));
  const locale = toLocale(user?.locale);
  const linkPath = certificatePath(certificateId);
  const vars = { certificateId, retainedYears: 3, link: platformLink(ctx.config.publicUrl, linkPath) };
  let channel: 'email' | 'sms' | 'none' = 'none';
  if (secrets?.email) {
    const message = renderMessage({ template: 'erasure_certificate', locale, firstName: null, antiPhishingCode: secrets.antiPhishingCode ?? null, vars, linkPath, publicUrl: ctx.config.publicUrl });
    await ctx.mailer.send({ to: secrets.email, ...message });
    channel = 'email';
  } else if (secrets?.phone) {
    await ctx.sms.send(secrets.phone, renderSms({ template: 'erasure_certificate', locale, antiPhishingCode: secrets.antiPhishingCode ?? null, vars, publicUrl: ctx.config.publicUrl }), { locale, template: 'erasure_certificate' });
    channel = 'sms';
  }
  await completeStep(ctx, run, step, { rows: channel === 'none' ? 0 : 1, result: { channel } });
}
