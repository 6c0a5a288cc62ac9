import type { AppContext } from '../context.ts';
import { deliverNotification, registerSecretResolver, type NotificationJob } from '../notify/notifications.ts';
import { passwordResetSecret } from '../accounts/password-recovery.ts';
import { decisionMessageSecret } from '../review/decide-application.ts';
import { QUEUES } from '../jobs/queues.ts';
import { runTimers } from './timers.ts';
import { DISPOSE_QUEUE, runDisposalJob, type DisposalJob } from '../documents/document-disposal.ts';
import { deliverFreezeNotice } from '../cancellation/freeze/freeze-notices.ts';
import { registerErasure } from '../erasure/register-erasure.ts';

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
  registerErasure(ctx);
}
