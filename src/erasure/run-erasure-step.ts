import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { StepKind } from '../domain/erasure-plan.ts';
import { erasureSteps } from './erasure.tables.ts';
import { describeError, VerificationFailed } from './step-errors.ts';
import { enqueueStep, failRun, leaseStep, loadRun, lockRun, nextPendingStep, StepAlreadyDone, type RunRow, type StepRow } from './run-state.ts';
import { runPrepare } from './steps/prepare.ts';
import { runSqlStep } from './steps/sql-step.ts';
import { runMailboxPurge } from './steps/mailbox.ts';
import { runVacuum } from './steps/vacuum.ts';
import { runAwaitDownstream } from './steps/await-downstream.ts';
import { runVerify } from './steps/verify.ts';
import { runShred } from './steps/shred.ts';
import { runCertificate } from './steps/certificate.ts';
import { runNotify } from './steps/notify.ts';
import { runFinish } from './steps/finish.ts';

type StepRunner = (ctx: AppContext, run: RunRow, step: StepRow) => Promise<void>;

const RUNNERS: Record<StepKind, StepRunner> = {
  prepare: runPrepare,
  sql: runSqlStep,
  mailbox: runMailboxPurge,
  vacuum: runVacuum,
  await_downstream: runAwaitDownstream,
  verify: runVerify,
  shred: runShred,
  certificate: runCertificate,
  notify: runNotify,
  finish: runFinish,
};

/** Steps whose effect is outside the database: a lease keeps two workers from acting at once. */
const LEASED: ReadonlySet<StepKind> = new Set(['mailbox', 'vacuum', 'verify', 'shred', 'notify', 'finish']);

/** Backoff between attempts of a failing step: 15 s, 30 s, 1 min … capped at 10 min, with jitter. */
export function stepBackoffSeconds(attempt: number, random = Math.random): number {
  const base = Math.min(600, 15 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

/**
 * The `erasure.step` job: runs the run's next pending step. Each step marks itself done in the
 * same transaction as its effect (or right after an idempotent outside effect) and queues the
 * next, so a job is one step and a crash resumes at exactly the step that was interrupted.
 */
export async function runErasureStepJob(ctx: AppContext, data: { runId: string }): Promise<void> {
  await ctx.clock.refresh(ctx.db);
  const run = await loadRun(ctx.db, data.runId);
  if (!run || run.state !== 'running') return;
  const step = await nextPendingStep(ctx.db, run.id);
  if (!step) return;
  const kind = step.spec.kind;
  if (LEASED.has(kind) && !(await leaseStep(ctx, run.id, step.seq))) return;
  try {
    await RUNNERS[kind](ctx, run, step);
  } catch (error) {
    if (error instanceof StepAlreadyDone) return;
    // A driver's error can quote the statement's parameters (identifiers): never let pg-boss store it.
    await recordFailure(ctx, run.id, step, error).catch((failure: unknown) => {
      throw new Error(`erasure step ${step.seq} failed and could not be recorded: ${describeError(failure)}`);
    });
  }
}

/** Counts a failed attempt: retried with backoff, and after the last attempt the run fails for an admin. */
async function recordFailure(ctx: AppContext, runId: string, step: StepRow, error: unknown): Promise<void> {
  const reason = describeError(error);
  ctx.logger.warn({ runId, seq: step.seq, kind: step.spec.kind, reason }, 'erasure step failed');
  await ctx.db.transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (!run || run.state !== 'running') return;
    const [current] = await tx
      .select()
      .from(erasureSteps)
      .where(and(eq(erasureSteps.runId, runId), eq(erasureSteps.seq, step.seq)));
    if (!current || current.state !== 'pending') return;
    const attempts = current.attempts + 1;
    if (error instanceof VerificationFailed || attempts >= ctx.config.erasure.stepAttempts) {
      await tx.update(erasureSteps).set({ attempts }).where(and(eq(erasureSteps.runId, runId), eq(erasureSteps.seq, step.seq)));
      await failRun(ctx, tx, run, current, `step ${step.seq} (${step.spec.kind}${step.spec.kind === 'sql' ? ` ${step.spec.table}` : ''}) failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`);
      return;
    }
    const delay = stepBackoffSeconds(attempts);
    await tx
      .update(erasureSteps)
      .set({ attempts, lastError: reason, leaseUntil: null, retryAt: new Date(ctx.clock.now().getTime() + delay * 1000) })
      .where(and(eq(erasureSteps.runId, runId), eq(erasureSteps.seq, step.seq)));
    await enqueueStep(ctx, tx, runId, delay);
  });
}
