import { sql } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import { queryRows } from '../../db/sql.ts';
import { BOSS_SCHEMA } from '../../jobs/job-queue.ts';
import { QUEUES } from '../../jobs/queues.ts';
import { loadRunSecrets } from '../run-secrets.ts';
import { completeStep, recheckLater, type RunRow, type StepRow } from '../run-state.ts';

/** How long the step waits before it looks again for a message being sent to the buyer. */
const SENDING_RECHECK_SECONDS = 5;

/**
 * Removes every message to the buyer (mail and SMS) from the dev mailbox before the scan. A
 * notification being sent while the buyer's row was cleared has already read the address and would
 * land after the purge, where the scan finds it: the step first waits until no notification to the
 * buyer is being sent. One still queued reads no address any more and sends nothing.
 */
export async function runMailboxPurge(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  if (await notificationBeingSent(ctx, run.userId)) {
    await recheckLater(ctx, run, step, SENDING_RECHECK_SECONDS);
    return;
  }
  const secrets = await loadRunSecrets(ctx, run);
  const recipients = [secrets?.email, secrets?.phone].filter((v): v is string => !!v);
  const removed = recipients.length > 0 ? ctx.mailbox.purge(recipients) : 0;
  await completeStep(ctx, run, step, { rows: removed });
}

/** Whether a worker holds a notification job for the user (until it ends, or expires if the worker died). */
async function notificationBeingSent(ctx: AppContext, userId: string): Promise<boolean> {
  const rows = await queryRows(
    ctx.db,
    sql`SELECT 1 FROM ${sql.raw(BOSS_SCHEMA)}.job WHERE name = ${QUEUES.notify.name} AND state = 'active' AND data->>'userId' = ${userId} LIMIT 1`,
  );
  return rows.length > 0;
}
