import type { AppContext } from '../../context.ts';
import { loadRunSecrets } from '../run-secrets.ts';
import { completeStep, type RunRow, type StepRow } from '../run-state.ts';

/** Removes every message to the buyer (mail and SMS) from the dev mailbox before the scan. */
export async function runMailboxPurge(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  const secrets = await loadRunSecrets(ctx, run);
  const recipients = [secrets?.email, secrets?.phone].filter((v): v is string => !!v);
  const removed = recipients.length > 0 ? ctx.mailbox.purge(recipients) : 0;
  await completeStep(ctx, run, step, { rows: removed });
}
