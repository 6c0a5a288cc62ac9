import type { AppContext } from '../../context.ts';
import type { ErasureHooks } from '../erasure-hooks.ts';
import { completeStep, type RunRow, type StepRow } from '../run-state.ts';

/**
 * Crypto-shredding, last but one: the document keys and files, then the buyer's own key. After
 * this nothing encrypted for the buyer can be read anywhere — dead row versions, WAL, backups and
 * replicas included. Both calls are safe to repeat after a crash.
 */
export async function runShred(ctx: AppContext, run: RunRow, step: StepRow, hooks: ErasureHooks): Promise<void> {
  // The hook also checks that none of the subject's document bytes is left in the storage.
  const n = await hooks.shredFiles(ctx, run.userId);
  await ctx.keys.destroySubjectKey(run.userId);
  await completeStep(ctx, run, step, { rows: n, result: { documentKeysDestroyed: n, subjectKey: 'destroyed' } });
}
