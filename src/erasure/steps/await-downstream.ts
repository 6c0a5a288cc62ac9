import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../audit/audit-log.ts';
import { erasureRuns } from '../erasure.tables.ts';
import { downstreamOf, SETTLED } from '../downstream-state.ts';
import { lockForStep, markStepDone, type RunRow, type StepRow } from '../run-state.ts';

/**
 * The barrier after Adieu's own steps: every downstream receiver must have confirmed (or an admin
 * recorded an exception) before the scan, the key destruction and the certificate. Until then the
 * run waits in `pending_external`; a confirmation wakes it.
 */
export async function runAwaitDownstream(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const locked = await lockForStep(tx, run.id, step.seq);
    if (!locked) return;
    const now = ctx.clock.now();
    const receivers = await downstreamOf(tx, run.id);
    const localDoneAt = locked.localDoneAt ?? now;
    if (receivers.every((r) => SETTLED.has(r.state))) {
      await tx.update(erasureRuns).set({ localDoneAt }).where(eq(erasureRuns.id, run.id));
      const states: Record<string, number> = {};
      for (const r of receivers) states[r.state] = (states[r.state] ?? 0) + 1;
      await markStepDone(ctx, tx, { ...locked, localDoneAt }, step, { rows: receivers.length, result: { states } });
      return;
    }
    await tx.update(erasureRuns).set({ state: 'pending_external', localDoneAt, updatedAt: now }).where(eq(erasureRuns.id, run.id));
    await appendAudit(tx, {
      at: now,
      actor: 'system',
      action: 'erasure.pending_external',
      subject: locked.subjectId,
      target: run.id,
      data: { waitingFor: receivers.filter((r) => !SETTLED.has(r.state)).map((r) => r.name) },
    });
  });
}
