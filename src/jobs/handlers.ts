import type { AppContext } from '../context.ts';
import { deliverNotification, type NotificationJob } from '../notify/notifications.ts';
import { QUEUES } from './queues.ts';
import { runTimers } from './timers.ts';

/** Wires every queue to its handler. Handlers re-check their preconditions: a job may run twice. */
export function registerJobHandlers(ctx: AppContext): void {
  ctx.jobs.register(QUEUES.tick.name, async () => {
    await runTimers(ctx);
  });
  ctx.jobs.register(QUEUES.notify.name, async (data: NotificationJob) => {
    await ctx.clock.refresh(ctx.db);
    await deliverNotification(ctx, data);
  });
}
