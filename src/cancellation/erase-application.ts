import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { startErasure } from '../erasure/start-erasure.ts';
import { findApplication, subjectIdOf } from './application-store.ts';

/**
 * Hands an application to the erasure engine, inside the caller's transaction: the engine is told
 * whose data to erase and what its certificate states (when the buyer asked, when it was approved),
 * never the application itself. Idempotent, like `startErasure`.
 */
export async function startApplicationErasure(ctx: AppContext, tx: Db, applicationId: string): Promise<{ runId: string }> {
  const application = await findApplication(tx, applicationId);
  if (!application) throw new AppError('APPLICATION_NOT_FOUND');
  return startErasure(ctx, tx, {
    requestId: application.id,
    userId: application.userId,
    subjectId: await subjectIdOf(tx, application.userId),
    requestedAt: application.submittedAt,
    approvedAt: application.decidedAt,
  });
}
