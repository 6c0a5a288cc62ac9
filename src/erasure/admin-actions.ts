import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { erasureDownstream, erasureRuns, erasureSteps, erasureWebhookEndpoints } from './erasure.tables.ts';
import { resumeIfSettled, SETTLED } from './downstream-state.ts';
import { enqueueStep, lockRun } from './run-state.ts';
import { QUEUES } from '../jobs/queues.ts';

/**
 * An admin settles a receiver that cannot confirm (gone, disabled, or silent past the retry
 * window) by recording why; the run then goes on, and the certificate shows the exception.
 */
export async function recordDownstreamException(ctx: AppContext, runId: string, input: { name: string; reason: string }, admin: { subjectId: string }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (!run) throw new AppError('ERASURE_NOT_FOUND');
    const [row] = await tx
      .select()
      .from(erasureDownstream)
      .where(and(eq(erasureDownstream.runId, runId), eq(erasureDownstream.name, input.name)));
    if (!row) throw new AppError('NOT_FOUND', {}, { message: 'This run has no receiver of that name.' });
    if (SETTLED.has(row.state)) throw new AppError('INVALID_TRANSITION', {}, { message: 'This receiver has already confirmed or been settled.' });
    const now = ctx.clock.now();
    await tx
      .update(erasureDownstream)
      .set({ state: 'exception', exceptionReason: input.reason, exceptionBy: admin.subjectId, leaseUntil: null })
      .where(and(eq(erasureDownstream.runId, runId), eq(erasureDownstream.name, input.name)));
    await appendAudit(tx, {
      at: now,
      actor: admin.subjectId,
      action: 'erasure.downstream_exception',
      subject: run.subjectId,
      target: run.id,
      data: { receiver: input.name, previousState: row.state },
    });
    await resumeIfSettled(ctx, tx, run);
  });
}

/** After the cause of a failure is fixed (a data-map mistake, an outage), the run resumes at the failed step. */
export async function retryFailedRun(ctx: AppContext, runId: string, admin: { subjectId: string }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (!run) throw new AppError('ERASURE_NOT_FOUND');
    if (run.state !== 'failed') throw new AppError('INVALID_TRANSITION', {}, { message: 'Only a failed run can be retried.' });
    const now = ctx.clock.now();
    await tx
      .update(erasureSteps)
      .set({ state: 'pending', attempts: 0, leaseUntil: null, retryAt: null })
      .where(and(eq(erasureSteps.runId, runId), eq(erasureSteps.state, 'failed')));
    await tx.update(erasureRuns).set({ state: 'running', failedAt: null, failureReason: null, updatedAt: now }).where(eq(erasureRuns.id, runId));
    await appendAudit(tx, { at: now, actor: admin.subjectId, action: 'erasure.retried', subject: run.subjectId, target: run.id });
    await enqueueStep(ctx, tx, runId);
  });
}

/** Turns a receiver disabled by a 410 back on; its waiting deliveries are due again at once. */
export async function enableEndpoint(ctx: AppContext, name: string, admin: { subjectId: string }): Promise<void> {
  if (!ctx.config.webhooks.some((w) => w.name === name)) throw new AppError('NOT_FOUND', {}, { message: 'No receiver of that name is configured.' });
  await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    await tx.update(erasureWebhookEndpoints).set({ disabledAt: null, disabledReason: null, consecutiveFailures: 0 }).where(eq(erasureWebhookEndpoints.name, name));
    const reopened = await tx
      .update(erasureDownstream)
      .set({ state: 'pending', nextAttemptAt: now, firstAttemptAt: null, attempts: 0, leaseUntil: null, lastError: null })
      .where(and(eq(erasureDownstream.name, name), sql`${erasureDownstream.state} IN ('disabled', 'failed')`))
      .returning({ runId: erasureDownstream.runId });
    for (const { runId } of reopened) await ctx.jobs.enqueue(tx, QUEUES['erasure.webhook'].name, { runId, name });
    await appendAudit(tx, { at: now, actor: admin.subjectId, action: 'erasure.webhook_enabled', target: name, data: { reopened: reopened.length } });
  });
}
