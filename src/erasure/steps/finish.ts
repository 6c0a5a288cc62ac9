import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../audit/audit-log.ts';
import type { ErasureHooks } from '../erasure-hooks.ts';
import { deletionCertificates, erasureRuns } from '../erasure.tables.ts';
import { destroyRunKey } from '../run-keys.ts';
import { loadRunSecrets } from '../run-secrets.ts';
import { lockForStep, markStepDone, type RunRow, type StepRow } from '../run-state.ts';
import { completeRunOnForgetList } from '../forget/record-run.ts';

/**
 * The end: the certificate mail is purged from the dev mailbox too, the run's own key is destroyed
 * (its sealed copy of the identifiers becomes unreadable, its pseudonyms unlinkable), and the run
 * and the request it fulfils (told through `hooks.runCompleted`) complete together.
 */
export async function runFinish(ctx: AppContext, run: RunRow, step: StepRow, hooks: ErasureHooks): Promise<void> {
  // After a crash past the key's destruction the purge already happened: it came first.
  const secrets = await loadRunSecrets(ctx, run).catch(() => null);
  const recipients = [secrets?.email, secrets?.phone].filter((v): v is string => !!v);
  const purged = recipients.length > 0 ? ctx.mailbox.purge(recipients) : 0;
  await destroyRunKey(ctx, run.id);
  await completeRunOnForgetList(ctx, run);
  await ctx.db.transaction(async (tx) => {
    const locked = await lockForStep(tx, run.id, step.seq);
    if (!locked || !locked.certificateId) return;
    const [certificate] = await tx.select({ issuedAt: deletionCertificates.issuedAt }).from(deletionCertificates).where(eq(deletionCertificates.id, locked.certificateId));
    const now = ctx.clock.now();
    await markStepDone(ctx, tx, locked, step, { rows: purged, result: { runKey: 'destroyed' } }, { next: false });
    await tx
      .update(erasureRuns)
      .set({ state: 'completed', completedAt: certificate?.issuedAt ?? now, secretsEnc: null, updatedAt: now })
      .where(eq(erasureRuns.id, run.id));
    await hooks.runCompleted(ctx, tx, { requestId: locked.applicationId, certificateId: locked.certificateId });
    await appendAudit(tx, {
      at: now,
      actor: 'system',
      action: 'erasure.completed',
      subject: locked.subjectId,
      target: run.id,
      data: { applicationId: locked.applicationId, certificateId: locked.certificateId },
    });
  });
}
