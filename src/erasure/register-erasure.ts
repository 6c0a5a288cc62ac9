import type { AppContext } from '../context.ts';
import { QUEUES } from '../jobs/queues.ts';
import { checkDataMapConfig, dataMap } from './datamap.ts';
import { runErasureStepJob } from './run-erasure-step.ts';
import { deliverWebhookJob } from './webhooks/deliver.ts';
import { runRetentionJob } from './retention-purge.ts';
import type { ErasureHooks } from './erasure-hooks.ts';

/**
 * Wires the erasure engine's queues into a process (its timers are in `erasureTimers`), with the
 * hooks that connect it to the workflow. Reads and checks the data map first: a bad map stops
 * start-up with one line naming the file and the key.
 */
export function registerErasure(ctx: AppContext, hooks: ErasureHooks): void {
  checkDataMapConfig(dataMap(ctx.config), ctx.config);
  ctx.jobs.register(QUEUES['erasure.step'].name, (data: { runId: string }) => runErasureStepJob(ctx, data, hooks));
  ctx.jobs.register(QUEUES['erasure.webhook'].name, (data: { runId: string; name: string }) => deliverWebhookJob(ctx, data));
  ctx.jobs.register(QUEUES['erasure.retention'].name, (data: { runId: string }) => runRetentionJob(ctx, data));
}
