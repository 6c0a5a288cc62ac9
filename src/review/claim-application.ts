import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { UserRow } from '../accounts/sessions.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { applications, applyTransition, lockBuyerForUpdate, findApplication, type ApplicationRow } from '../cancellation/public.ts';

export interface ClaimView {
  id: string;
  status: ApplicationRow['status'];
  claimedBy: string;
  claimExpiresAt: string;
  version: number;
}

/** Whether someone other than `reviewerId` holds a live claim. */
export const claimedByOther = (application: ApplicationRow, reviewerId: string, now: Date) =>
  !!application.claimedBy && application.claimedBy !== reviewerId && !!application.claimExpiresAt && application.claimExpiresAt > now;

/** Loads an application and locks its buyer, so that every change to one buyer's case is serialised. */
export async function lockApplication(tx: Db, applicationId: string): Promise<{ application: ApplicationRow; buyer: UserRow }> {
  const first = await findApplication(tx, applicationId);
  if (!first) throw new AppError('APPLICATION_NOT_FOUND');
  const buyer = await lockBuyerForUpdate(tx, first.userId);
  const application = (await findApplication(tx, applicationId))!;
  return { application, buyer };
}

/**
 * A reviewer takes a case for `review.claimLeaseMinutes` (renewable), so two reviewers do not work
 * on one. Claiming a submitted application moves it to `in_review` and tells the buyer.
 * 409 ALREADY_CLAIMED while someone else's lease is live.
 */
export async function claimApplication(ctx: AppContext, reviewer: UserRow, applicationId: string): Promise<ClaimView> {
  return ctx.db.transaction(async (tx) => {
    const { application } = await lockApplication(tx, applicationId);
    if (application.userId === reviewer.id) throw new AppError('FORBIDDEN', {}, { message: 'You cannot review your own request.' });
    if (application.status !== 'submitted' && application.status !== 'in_review') throw new AppError('INVALID_TRANSITION', { status: application.status });
    const now = ctx.clock.now();
    if (claimedByOther(application, reviewer.id, now)) throw new AppError('ALREADY_CLAIMED', { claimExpiresAt: application.claimExpiresAt!.toISOString() });
    const claimExpiresAt = new Date(now.getTime() + ctx.config.review.claimLeaseMinutes * 60_000);
    const updated = await applyTransition(ctx, tx, {
      application,
      event: 'claim',
      actor: { role: 'reviewer', subjectId: reviewer.subjectId, userId: reviewer.id },
      set: { claimedBy: reviewer.id, claimExpiresAt },
      // Renewing a claim changes nothing the buyer sees: no timeline entry, no mail.
      silent: application.status === 'in_review',
      notify: application.status === 'submitted' ? { template: 'application_in_review', vars: { dueDate: application.dueAt.toISOString() } } : undefined,
      auditAction: 'application.claimed',
      staleError: 'ALREADY_CLAIMED',
    });
    return { id: updated.id, status: updated.status, claimedBy: reviewer.id, claimExpiresAt: claimExpiresAt.toISOString(), version: updated.version };
  });
}

/** Gives a case back before the lease runs out (only the holder can). */
export async function releaseClaim(ctx: AppContext, reviewer: UserRow, applicationId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const { application, buyer } = await lockApplication(tx, applicationId);
    if (application.claimedBy !== reviewer.id) return;
    const now = ctx.clock.now();
    await tx
      .update(applications)
      .set({ claimedBy: null, claimExpiresAt: null, version: sql`${applications.version} + 1`, updatedAt: now })
      .where(and(eq(applications.id, application.id), eq(applications.version, application.version)));
    await appendAudit(tx, { at: now, actor: reviewer.subjectId, action: 'application.claim_released', subject: buyer.subjectId, target: application.id });
  });
}
