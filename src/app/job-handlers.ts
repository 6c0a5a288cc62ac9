import type { AppContext } from '../context.ts';
import { deliverNotification, registerSecretResolver, type NotificationJob } from '../accounts/notifications.ts';
import { passwordResetSecret } from '../accounts/password-recovery.ts';
import { decisionMessageSecret } from '../review/decide-application.ts';
import { QUEUES } from '../jobs/queues.ts';
import { runTimers } from './timers.ts';
import { DISPOSE_QUEUE, runDisposalJob, type DisposalJob } from '../documents/document-disposal.ts';
import { deliverFreezeNotice, freezeConfirmations } from '../cancellation/freeze/freeze-notices.ts';
import type { ErasureHooks } from '../erasure/erasure-hooks.ts';
import { registerErasure } from '../erasure/register-erasure.ts';
import { registerExport } from '../export/register-export.ts';
import { endExportsAtErasure } from '../export/request-export.ts';
import { markApplicationErased } from '../cancellation/complete-application.ts';
import { shredUserDocuments } from '../documents/document-links.ts';

/**
 * Wires every queue to its handler; the tick job runs every timer of `./timers.ts`. Handlers
 * re-check their preconditions: a job may run twice.
 */
export function registerJobHandlers(ctx: AppContext): void {
  ctx.jobs.register(QUEUES.tick.name, async () => {
    await runTimers(ctx);
  });
  // Explicit, so a worker-only process resolves them too (not only one that loaded the routes).
  registerSecretResolver('password_reset', passwordResetSecret);
  registerSecretResolver('decision_message', decisionMessageSecret);
  ctx.jobs.register(QUEUES.notify.name, async (data: NotificationJob) => {
    await ctx.clock.refresh(ctx.db);
    await deliverNotification(ctx, data);
  });
  ctx.jobs.register(QUEUES['freeze.webhook'].name, async (data: { messageId: string }) => {
    await deliverFreezeNotice(ctx, data);
  });
  ctx.jobs.register(DISPOSE_QUEUE, async (data: DisposalJob) => {
    await runDisposalJob(ctx, data);
  });
  // Erasure steps, downstream webhooks, retention purge; checks the data map (bad map: start-up stops).
  // The engine reports a completed run to the workflow, ends data exports and shreds documents through these hooks.
  registerErasure(ctx, ERASURE_HOOKS);
  // Data exports (right of access) and the expiry of their files.
  registerExport(ctx);
}

/** How the engine reaches the workflow and the documents (also for `erase --reapply`). */
export const ERASURE_HOOKS: ErasureHooks = {
  runCompleted: (ctx, tx, run) => markApplicationErased(ctx, tx, run.requestId, run.certificateId),
  shredFiles: shredUserDocuments,
  freezeConfirmations,
  subjectErasing: endExportsAtErasure,
};
