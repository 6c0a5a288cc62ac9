import { and, asc, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { toLocale } from '../notify/render.ts';
import { checkEligibility } from '../eligibility/check-eligibility.ts';
import { applications } from './cancellation.tables.ts';
import { findApplication } from './application-store.ts';
import { applyTransition } from './apply-transition.ts';
import { startApplicationErasure } from './erase-application.ts';
import { lockBuyerForUpdate, unfreezeBuyer } from './buyer-lock.ts';
import { newReviewCycle } from './work-calendar.ts';

/** How many ended grace periods one timer run handles (the next tick takes the rest). */
const BATCH = 50;

/**
 * Timer: for every application whose grace period has ended, checks eligibility again under the
 * buyer's row lock. Nothing open → `erasing`, and the erasure run starts in the same transaction.
 * A blocker appeared (a late dispute, a refund, a provider that cannot answer…) → back to
 * `in_review` with a fresh deadline, and the account is unfrozen so the buyer can resolve it (a
 * frozen account could not, e.g., confirm receipt of an order); the next approval freezes it again.
 * A withdrawal that got there first simply leaves nothing to do.
 */
export async function endGracePeriods(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select({ id: applications.id, userId: applications.userId })
    .from(applications)
    .where(and(sql`${applications.status} = 'grace'`, lte(applications.graceEndsAt, now))) // literal: matches the partial index
    .orderBy(asc(applications.graceEndsAt))
    .limit(BATCH);
  let handled = 0;
  for (const { id, userId } of due) {
    try {
      if (await endGrace(ctx, id, userId)) handled += 1;
    } catch (error) {
      // One failing case must not hold up the others; it is retried on the next tick.
      ctx.logger.error({ applicationId: id, err: { message: (error as Error).message } }, 'ending grace failed');
    }
  }
  return handled;
}

async function endGrace(ctx: AppContext, applicationId: string, userId: string): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const buyer = await lockBuyerForUpdate(tx, userId);
    const application = await findApplication(tx, applicationId);
    const now = ctx.clock.now();
    if (!application || application.status !== 'grace' || !application.graceEndsAt || application.graceEndsAt > now) return false;
    const eligibility = await checkEligibility(ctx, tx, userId, toLocale(buyer.locale));
    const system = { role: 'system' as const, subjectId: 'system' };
    if (!eligibility.eligible || eligibility.blockers.length > 0) {
      const cycle = newReviewCycle(ctx.config, now);
      const { dueAt } = cycle;
      await applyTransition(ctx, tx, {
        application,
        event: 'grace_blocked',
        actor: system,
        set: { graceEndsAt: null, ...cycle },
        detail: { blockers: eligibility.blockers.map((b) => b.code), dueAt: dueAt.toISOString() },
        notify: { template: 'application_returned_to_review', vars: { dueDate: dueAt.toISOString(), count: eligibility.blockers.length } },
      });
      await unfreezeBuyer(ctx, tx, userId, applicationId, 'blocked');
      return true;
    }
    await applyTransition(ctx, tx, { application, event: 'start_erasure', actor: system });
    await startApplicationErasure(ctx, tx, applicationId);
    return true;
  });
}
