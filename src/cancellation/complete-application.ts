import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { findApplication } from './application-store.ts';
import { applyTransition } from './apply-transition.ts';

/**
 * Called by the erasure engine, in its transaction, when a run has completed: the application
 * becomes `erased` with the certificate's id. Safe to call twice (the second call changes nothing).
 *
 * No mail from here: by now the buyer's contacts are crypto-shredded, so the erasure engine sends
 * the "completed" notice with the certificate itself (template `erasure_certificate`, from the
 * contacts it sealed when the run started).
 */
export async function markApplicationErased(ctx: AppContext, tx: Db, applicationId: string, certificateId: string): Promise<void> {
  const application = await findApplication(tx, applicationId);
  if (!application) throw new AppError('APPLICATION_NOT_FOUND');
  if (application.status === 'erased') return;
  const now = ctx.clock.now();
  await applyTransition(ctx, tx, {
    application,
    event: 'complete_erasure',
    actor: { role: 'system', subjectId: 'system' },
    set: { erasedAt: now, certificateId, closedAt: now, claimedBy: null, claimExpiresAt: null },
    detail: { certificateId },
  });
}
