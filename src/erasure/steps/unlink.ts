import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import { externalIdentities } from '../../identity/identity.tables.ts';
import { lockForStep, markStepDone, type RunRow, type StepRow } from '../run-state.ts';

/**
 * Removes the buyer's links to the platform's accounts — the (issuer, sub) blind index and the
 * sealed external id — after every store and every downstream receiver has used the id (the step
 * comes after `await_downstream`). The run's own sealed copy goes with the run's key at the end;
 * the quarantine keeps only a keyed hash. Deleting and marking done commit together.
 */
export async function runUnlink(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const locked = await lockForStep(tx, run.id, step.seq);
    if (!locked) return;
    const removed = await tx.delete(externalIdentities).where(eq(externalIdentities.userId, run.userId)).returning({ id: externalIdentities.id });
    await markStepDone(ctx, tx, locked, step, { rows: removed.length });
  });
}
