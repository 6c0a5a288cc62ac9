import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import { queryRows } from '../../db/sql.ts';
import { BOSS_SCHEMA } from '../../jobs/job-queue.ts';
import { QUEUES } from '../../jobs/queues.ts';
import { erasureSteps } from '../erasure.tables.ts';
import { loadRunSecrets } from '../run-secrets.ts';
import { completeStep, enqueueStep, type RunRow, type StepRow } from '../run-state.ts';

/** How long the step waits before it looks again for the buyer's messages still queued. */
const NOTIFICATIONS_RECHECK_SECONDS = 5;

/**
 * Removes every message to the buyer (mail and SMS) from the dev mailbox before the scan. A message
 * still queued for the buyer would be delivered after the purge and found by the scan, so the step
 * first waits until the buyer's notifications have gone out (or failed for good): the run's own
 * steps go ahead of the notification queue, and would otherwise overtake them.
 */
export async function runMailboxPurge(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  if (await notificationsQueued(ctx, run.userId)) {
    await ctx.db.transaction(async (tx) => {
      await tx
        .update(erasureSteps)
        .set({ leaseUntil: null })
        .where(and(eq(erasureSteps.runId, run.id), eq(erasureSteps.seq, step.seq)));
      await enqueueStep(ctx, tx, run.id, NOTIFICATIONS_RECHECK_SECONDS);
    });
    return;
  }
  const secrets = await loadRunSecrets(ctx, run);
  const recipients = [secrets?.email, secrets?.phone].filter((v): v is string => !!v);
  const removed = recipients.length > 0 ? ctx.mailbox.purge(recipients) : 0;
  await completeStep(ctx, run, step, { rows: removed });
}

/** Whether a notification to the user waits, is being sent or will be retried (the job table's notify partition). */
async function notificationsQueued(ctx: AppContext, userId: string): Promise<boolean> {
  const rows = await queryRows(
    ctx.db,
    sql`SELECT 1 FROM ${sql.raw(BOSS_SCHEMA)}.job WHERE name = ${QUEUES.notify.name} AND state < 'completed' AND data->>'userId' = ${userId} LIMIT 1`,
  );
  return rows.length > 0;
}
