import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { erasureDownstream, erasureRuns, type DownstreamState } from './erasure.tables.ts';
import { enqueueStep, type RunRow } from './run-state.ts';

/** A receiver is settled when it confirmed, or an admin recorded an exception for it. */
export const SETTLED: ReadonlySet<DownstreamState> = new Set(['confirmed', 'exception']);

export async function downstreamOf(db: Db, runId: string) {
  return db.select().from(erasureDownstream).where(eq(erasureDownstream.runId, runId));
}

/**
 * After a confirmation or an exception, in the same transaction (run locked): a run waiting in
 * `pending_external` whose receivers are all settled goes on with verification and the rest.
 */
export async function resumeIfSettled(ctx: AppContext, tx: Db, run: RunRow): Promise<boolean> {
  if (run.state !== 'pending_external') return false;
  const rows = await downstreamOf(tx, run.id);
  if (!rows.every((r) => SETTLED.has(r.state))) return false;
  const now = ctx.clock.now();
  await tx.update(erasureRuns).set({ state: 'running', updatedAt: now }).where(eq(erasureRuns.id, run.id));
  await appendAudit(tx, { at: now, actor: 'system', action: 'erasure.downstream_settled', subject: run.subjectId, target: run.id, data: { receivers: rows.length } });
  await enqueueStep(ctx, tx, run.id);
  return true;
}
