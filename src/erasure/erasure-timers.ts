import { and, eq, lt, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Timer } from '../jobs/timers.ts';
import { QUEUES } from '../jobs/queues.ts';
import { erasureDownstream, erasureQuarantine, erasureRuns } from './erasure.tables.ts';
import { enqueueStep } from './run-state.ts';
import { findDueRetentions } from './retention-purge.ts';

/** A running run that has not moved for this long lost its job (a worker died): it is queued again. */
export const STALL_MINUTES = 20;

/**
 * Re-queues stalled runs. Steps are safe to run twice, so the worst a spurious re-queue does is
 * an extra job that finds nothing to do.
 */
export async function resumeStalledRuns(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - STALL_MINUTES * 60_000);
  return ctx.db.transaction(async (tx) => {
    const stalled = await tx
      .update(erasureRuns)
      .set({ updatedAt: now })
      .where(and(eq(erasureRuns.state, 'running'), lt(erasureRuns.updatedAt, cutoff)))
      .returning({ id: erasureRuns.id });
    for (const { id } of stalled) await enqueueStep(ctx, tx, id);
    return stalled.length;
  });
}

/** Queues every downstream delivery that is due (first attempts are queued at once; retries here). */
export async function queueDueDeliveries(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    // A sender that died mid-attempt: its claim expired, so the delivery is simply due again.
    await tx
      .update(erasureDownstream)
      .set({ state: 'pending', nextAttemptAt: now, leaseUntil: null })
      .where(and(eq(erasureDownstream.state, 'sending'), lt(erasureDownstream.leaseUntil, now)));
    const due = await tx
      .update(erasureDownstream)
      .set({ leaseUntil: new Date(now.getTime() + 120_000) })
      .where(
        sql`${erasureDownstream.state} = 'pending' AND ${erasureDownstream.nextAttemptAt} <= ${now}
            AND (${erasureDownstream.leaseUntil} IS NULL OR ${erasureDownstream.leaseUntil} < ${now})`,
      )
      .returning({ runId: erasureDownstream.runId, name: erasureDownstream.name });
    for (const d of due) await ctx.jobs.enqueue(tx, QUEUES['erasure.webhook'].name, { runId: d.runId, name: d.name });
    return due.length;
  });
}

async function dropExpiredQuarantine(ctx: AppContext): Promise<number> {
  const rows = await ctx.db.delete(erasureQuarantine).where(lt(erasureQuarantine.expiresAt, ctx.clock.now())).returning({ h: erasureQuarantine.identifierHash });
  return rows.length;
}

/** Stalled runs, webhook retries, retention purge, quarantine expiry. */
export const erasureTimers: Timer[] = [
  { name: 'erasure.stalled_runs', run: resumeStalledRuns },
  { name: 'erasure.webhooks', run: queueDueDeliveries },
  { name: 'erasure.retention', run: findDueRetentions },
  { name: 'erasure.quarantine', run: dropExpiredQuarantine },
];
