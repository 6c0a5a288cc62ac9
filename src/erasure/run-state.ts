import { AsyncLocalStorage } from 'node:async_hooks';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { queryRows } from '../db/sql.ts';
import { appendAudit, appendAuditEntries, AUDIT_LOCK } from '../audit/audit-log.ts';
import { QUEUES } from '../jobs/queues.ts';
import { describeStep } from '../domain/erasure-plan.ts';
import { erasureRuns, erasureSteps } from './erasure.tables.ts';

export type RunRow = typeof erasureRuns.$inferSelect;
export type StepRow = typeof erasureSteps.$inferSelect;

/** The run, locked for the rest of the transaction: steps of one run never interleave. */
export async function lockRun(tx: Db, runId: string): Promise<RunRow | null> {
  const rows = await tx.select().from(erasureRuns).where(eq(erasureRuns.id, runId)).for('update');
  return rows[0] ?? null;
}

/**
 * The run locked, if it is still running and this step still pending — else null, and the caller
 * does nothing (another worker got there first, or the run was stopped).
 */
export async function lockForStep(tx: Db, runId: string, seq: number): Promise<RunRow | null> {
  const [row] = await tx
    .select({ run: erasureRuns, step: erasureSteps.state })
    .from(erasureRuns)
    .leftJoin(erasureSteps, and(eq(erasureSteps.runId, erasureRuns.id), eq(erasureSteps.seq, seq)))
    .where(eq(erasureRuns.id, runId))
    .for('update', { of: erasureRuns });
  return row?.run.state === 'running' && row.step === 'pending' ? row.run : null;
}

/** A running run and its pending steps in order (at most `limit`), in one query; null when the run is not running or has no step left. */
export async function runningRunSteps(db: Db, runId: string, limit: number): Promise<{ run: RunRow; pending: StepRow[] } | null> {
  const rows = await db
    .select({ run: erasureRuns, step: erasureSteps })
    .from(erasureSteps)
    .innerJoin(erasureRuns, eq(erasureRuns.id, erasureSteps.runId))
    .where(and(eq(erasureSteps.runId, runId), eq(erasureSteps.state, 'pending'), eq(erasureRuns.state, 'running')))
    .orderBy(asc(erasureSteps.seq))
    .limit(limit);
  return rows.length === 0 ? null : { run: rows[0].run, pending: rows.map((row) => row.step) };
}

export async function stepsOf(db: Db, runId: string): Promise<StepRow[]> {
  return db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId)).orderBy(asc(erasureSteps.seq));
}

/**
 * Queues the next job of a run already under way. Ahead of the runs not yet begun (priority 1; a
 * run's first job has 0): a run that started finishes before the next starts, so a long backlog
 * delays when runs begin, not how fast each one ends.
 */
export async function enqueueStep(ctx: AppContext, tx: Db, runId: string, startAfterSeconds?: number): Promise<void> {
  // A Date, not seconds: pg-boss repeats its startAfter placeholder, and through our transaction
  // adapter each repeat is typed on its own (seconds would be read as a timestamp and refused).
  const options = startAfterSeconds ? { startAfter: new Date(Date.now() + startAfterSeconds * 1000) } : {};
  await ctx.jobs.enqueue(tx, QUEUES['erasure.step'].name, { runId }, { ...options, priority: 1 });
}

/**
 * Leaves a step pending that cannot be done yet (it waits for something outside the run): its
 * lease is released and the run looks at it again in `seconds`. The job's chain stops there.
 */
export async function recheckLater(ctx: AppContext, run: RunRow, step: StepRow, seconds: number): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(erasureSteps)
      .set({ leaseUntil: null })
      .where(and(eq(erasureSteps.runId, run.id), eq(erasureSteps.seq, step.seq), eq(erasureSteps.state, 'pending')));
    await enqueueStep(ctx, tx, run.id, seconds);
  });
}

/** Set while a job runs a run's steps back to back: the job goes on to the next step itself. */
const chain = new AsyncLocalStorage<true>();

/** Runs a step inside a job that will go on to the next one, so finishing it queues no new job. */
export const runInChain = <T>(work: () => Promise<T>): Promise<T> => chain.run(true, work);

/**
 * Marks a step done in the caller's transaction — the same one as its effect, for database steps —
 * and queues the next step (unless the job runs on to it: `runInChain`). The conditional UPDATE is the guard against doing a step twice: if
 * another worker finished it first, nothing is marked and the caller's transaction rolls back.
 */
export async function markStepDone(
  ctx: AppContext,
  tx: Db,
  run: RunRow,
  step: StepRow,
  outcome: StepOutcome,
  options: { next?: boolean } = {},
): Promise<void> {
  await markStepsDone(ctx, tx, run, [{ step, outcome, at: ctx.clock.now() }], options);
}

export interface StepOutcome {
  rows?: number | null;
  result?: Record<string, unknown>;
}

/**
 * `markStepDone` for steps done in one transaction (a group of statements), each at its own time:
 * one statement marks them all, the run as moving, and takes the audit log's lock; one audit
 * append records them.
 */
export async function markStepsDone(ctx: AppContext, tx: Db, run: RunRow, done: Array<{ step: StepRow; outcome: StepOutcome; at: Date }>, options: { next?: boolean } = {}): Promise<void> {
  const marks = JSON.stringify(done.map(({ step, outcome, at }) => ({ seq: step.seq, rows: outcome.rows ?? null, result: outcome.result ?? null, at: at.toISOString() })));
  const [updated] = await queryRows<{ marked: number }>(
    tx,
    sql`WITH done AS (
      UPDATE ${erasureSteps} AS s SET state = 'done', rows = m.rows, result = m.result, done_at = m.at, lease_until = NULL, retry_at = NULL
      FROM jsonb_to_recordset(${marks}::jsonb) AS m(seq integer, rows bigint, result jsonb, at timestamptz)
      WHERE s.run_id = ${run.id} AND s.seq = m.seq AND s.state = 'pending' RETURNING s.seq
    ), touched AS (UPDATE ${erasureRuns} SET updated_at = ${ctx.clock.now().toISOString()}::timestamptz WHERE id = ${run.id})
    SELECT (SELECT count(*) FROM done)::int AS marked, ${AUDIT_LOCK} AS locked`,
  );
  if (Number(updated.marked) !== done.length) throw new StepAlreadyDone();
  await appendAuditEntries(
    tx,
    done.map(({ step, outcome, at }) => {
      const label = describeStep(step.spec);
      return {
        at,
        actor: 'system',
        action: 'erasure.step_done',
        subject: run.subjectId,
        target: run.id,
        data: { seq: step.seq, kind: step.spec.kind, store: label.store, table: label.table, action: label.action, rows: outcome.rows ?? null },
      };
    }),
    { locked: true },
  );
  if (options.next !== false && !chain.getStore()) await enqueueStep(ctx, tx, run.id);
}

/** Another worker completed the step first: roll back quietly. */
export class StepAlreadyDone extends Error {
  constructor() {
    super('step already done');
  }
}

/** A run that cannot complete: its reason goes to the admin (never personal data). */
export async function failRun(ctx: AppContext, tx: Db, run: RunRow, step: StepRow | null, reason: string): Promise<void> {
  const now = ctx.clock.now();
  if (step) {
    await tx
      .update(erasureSteps)
      .set({ state: 'failed', lastError: reason.slice(0, 2000), leaseUntil: null })
      .where(and(eq(erasureSteps.runId, run.id), eq(erasureSteps.seq, step.seq)));
  }
  await tx
    .update(erasureRuns)
    .set({ state: 'failed', failedAt: now, updatedAt: now, failureReason: reason.slice(0, 2000) })
    .where(eq(erasureRuns.id, run.id));
  await appendAudit(tx, {
    at: now,
    actor: 'system',
    action: 'erasure.failed',
    subject: run.subjectId,
    target: run.id,
    data: { seq: step?.seq ?? null, kind: step?.spec.kind ?? null, reason: reason.slice(0, 500) },
  });
}

/**
 * Takes a short lease on steps whose effect is outside the database (one, or a group run
 * together), so two workers do not both act: all of them, or none (what was taken is let go).
 */
export async function leaseSteps(ctx: AppContext, runId: string, seqs: number[], seconds = 300): Promise<boolean> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .update(erasureSteps)
    .set({ leaseUntil: new Date(now.getTime() + seconds * 1000) })
    .where(
      and(
        eq(erasureSteps.runId, runId),
        inArray(erasureSteps.seq, seqs),
        eq(erasureSteps.state, 'pending'),
        sql`(${erasureSteps.leaseUntil} IS NULL OR ${erasureSteps.leaseUntil} < ${now})`,
      ),
    )
    .returning({ seq: erasureSteps.seq });
  if (rows.length === seqs.length) return true;
  await releaseLeases(
    ctx,
    runId,
    rows.map((row) => row.seq),
  );
  return false;
}

/** Lets go of the leases of pending steps (a group that could not be leased whole, or that failed). */
export async function releaseLeases(ctx: AppContext, runId: string, seqs: number[]): Promise<void> {
  if (seqs.length === 0) return;
  await ctx.db
    .update(erasureSteps)
    .set({ leaseUntil: null })
    .where(and(eq(erasureSteps.runId, runId), inArray(erasureSteps.seq, seqs), eq(erasureSteps.state, 'pending')));
}

/** Marks a step whose effect lay outside the database (files, keys, mail) done, in its own transaction. */
export async function completeStep(
  ctx: AppContext,
  run: RunRow,
  step: StepRow,
  outcome: { rows?: number | null; result?: Record<string, unknown> },
  alsoInTx?: (tx: Db, run: RunRow) => Promise<void>,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const locked = await lockForStep(tx, run.id, step.seq);
    if (!locked) return;
    if (alsoInTx) await alsoInTx(tx, locked);
    await markStepDone(ctx, tx, locked, step, outcome);
  });
}
