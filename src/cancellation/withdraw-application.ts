import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import type { UserRow } from '../accounts/sessions.ts';
import type { ApplicationDocuments } from './application-documents.ts';
import { isWithdrawable } from '../domain/application-transitions.ts';
import { latestApplicationOf } from './application-store.ts';
import { applyTransition } from './apply-transition.ts';
import { lockBuyerForUpdate, unfreezeBuyer } from './buyer-lock.ts';
import { toApplicationView, type ApplicationView } from './application-view.ts';

/** Attempts before giving up when the application keeps changing under us (it never does for long). */
const ATTEMPTS = 3;

/**
 * The buyer withdraws their latest application, from any state before erasure starts. Unfreezes
 * the account and disposes of the identity documents. Racing an approval or the end of grace,
 * exactly one wins: if erasure started first the answer is 409 NOT_WITHDRAWABLE; if an approval
 * landed first the withdrawal is simply retried from `grace` (and wins — no erasure follows).
 */
export async function withdrawApplication(ctx: AppContext, user: UserRow, documents: ApplicationDocuments): Promise<ApplicationView> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction(async (tx) => {
        await lockBuyerForUpdate(tx, user.id);
        const application = await latestApplicationOf(tx, user.id);
        if (!application) throw new AppError('APPLICATION_NOT_FOUND');
        if (!isWithdrawable(application.status)) throw new AppError('NOT_WITHDRAWABLE', { status: application.status });
        const now = ctx.clock.now();
        const updated = await applyTransition(ctx, tx, {
          application,
          event: 'withdraw',
          actor: { role: 'buyer', subjectId: user.subjectId, userId: user.id },
          set: { closedAt: now, claimedBy: null, claimExpiresAt: null },
          notify: { template: 'application_withdrawn' },
        });
        await unfreezeBuyer(ctx, tx, user.id, application.id, 'withdrawn');
        await documents.scheduleDisposal(ctx, tx, application.id);
        return toApplicationView(ctx, tx, updated);
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'STALE_APPLICATION' && attempt < ATTEMPTS) continue;
      throw error;
    }
  }
}
