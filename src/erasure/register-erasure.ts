import { resolve } from 'node:path';
import type { AppContext } from '../context.ts';
import { QUEUES } from '../jobs/queues.ts';
import { checkDataMapConfig, dataMap, useDataMapDir } from './datamap.ts';
import { runErasureStepJob } from './run-erasure-step.ts';
import { deliverWebhookJob } from './webhooks/deliver.ts';
import { runRetentionJob } from './retention-purge.ts';
// Registers the erasure timers (stalled runs, webhook retries, retention purge, quarantine expiry).
import './erasure-timers.ts';

/**
 * Wires the erasure engine into a process. Reads and checks the data map first: a bad map stops
 * start-up with one line naming the file and the key.
 */
export function registerErasure(ctx: AppContext): void {
  useDataMapDir(ctx.config.erasure.datamapDir ? resolve(ctx.config.erasure.datamapDir) : undefined);
  checkDataMapConfig(dataMap(), ctx.config);
  ctx.jobs.register(QUEUES['erasure.step'].name, (data: { runId: string }) => runErasureStepJob(ctx, data));
  ctx.jobs.register(QUEUES['erasure.webhook'].name, (data: { runId: string; name: string }) => deliverWebhookJob(ctx, data));
  ctx.jobs.register(QUEUES['erasure.retention'].name, (data: { runId: string }) => runRetentionJob(ctx, data));
}
