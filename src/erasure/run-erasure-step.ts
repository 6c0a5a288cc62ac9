import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { StepKind } from '../domain/erasure-plan.ts';
import { erasureSteps } from './erasure.tables.ts';
import type { ErasureHooks } from './erasure-hooks.ts';
import { dataMap, type LoadedDataMap } from './datamap.ts';
import { describeError, VerificationFailed } from './step-errors.ts';
import { enqueueStep, failRun, leaseSteps, lockRun, releaseLeases, runInChain, runningRunSteps, StepAlreadyDone, type RunRow, type StepRow } from './run-state.ts';
import { runPrepare } from './steps/prepare.ts';
import { GroupStepFailed, isBuiltinSqlStep, runBuiltinSqlSteps, runSqlStep } from './steps/sql-step.ts';
import { runItemStep } from './steps/item-step.ts';
import { runMailboxPurge } from './steps/mailbox.ts';
import { isBuiltinVacuumStep, runVacuum, runVacuums } from './steps/vacuum.ts';
import { runAwaitDownstream } from './steps/await-downstream.ts';
import { runVerify } from './steps/verify.ts';
import { runUnlink } from './steps/unlink.ts';
import { runShred } from './steps/shred.ts';
import { runCertificate } from './steps/certificate.ts';
import { runNotify } from './steps/notify.ts';
import { runFinish } from './steps/finish.ts';

type StepRunner = (ctx: AppContext, run: RunRow, step: StepRow, hooks: ErasureHooks) => Promise<void>;

const RUNNERS: Record<StepKind, StepRunner> = {
  prepare: runPrepare,
  sql: runSqlStep,
  keys: runItemStep,
  files: runItemStep,
  mailbox: runMailboxPurge,
  vacuum: runVacuum,
  await_downstream: runAwaitDownstream,
  unlink: runUnlink,
  verify: runVerify,
  shred: runShred,
  certificate: runCertificate,
  notify: runNotify,
  finish: runFinish,
};

/** Steps whose effect is outside the database: a lease keeps two workers from acting at once. */
const LEASED: ReadonlySet<StepKind> = new Set(['keys', 'files', 'mailbox', 'vacuum', 'verify', 'shred', 'notify', 'finish']);

/** Backoff between attempts of a failing step: 15 s, 30 s, 1 min … capped at 10 min, with jitter. */
export function stepBackoffSeconds(attempt: number, random = Math.random): number {
  const base = Math.min(600, 15 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

/**
 * How long one job runs a run's steps back to back before it hands over to a new job: well inside
 * the queue's expiry, so a long run never looks like a dead worker's.
 */
const CHAIN_BUDGET_MS = 60_000;

/**
 * The `erasure.step` job: runs the run's pending steps in order, back to back. Each step marks
 * itself done in the same transaction as its effect (or right after an idempotent outside effect),
 * so a crash resumes at exactly the step that was interrupted: pg-boss retries the expired job, and
 * the stalled-run timer re-queues a run that has not moved. Consecutive statements in Adieu's own
 * database share one transaction (`runBuiltinSqlSteps`). The chain stops at a step that is not
 * done when its runner returns (a barrier that waits, a step another worker holds, a failure whose
 * retry is queued), or when the budget is spent or the worker is stopping: then a new job carries on.
 */
export async function runErasureStepJob(ctx: AppContext, data: { runId: string }, hooks: ErasureHooks): Promise<void> {
  const started = Date.now();
  let ran: number | null = null;
  for (;;) {
    await ctx.clock.refresh(ctx.db);
    const current = await runningRunSteps(ctx.db, data.runId, MAX_GROUP);
    if (!current) return;
    const { run, pending } = current;
    // The step just run is still pending: it waits (a barrier, another worker's lease) and a job is queued for it.
    if (pending[0].seq === ran) return;
    if (Date.now() - started > CHAIN_BUDGET_MS || ctx.jobs.isStopping) {
      await ctx.db.transaction((tx) => enqueueStep(ctx, tx, run.id));
      return;
    }
    ran = pending[0].seq;
    if (!(await runSteps(ctx, run, leadingGroup(dataMap(ctx.config), pending), hooks))) return;
  }
}

/** At most this many statements share one transaction (locks held, WAL of one commit). */
const MAX_GROUP = 32;

/**
 * The pending steps one turn runs: the consecutive statements in Adieu's database (one
 * transaction), or the consecutive scrubs of stores in it (one VACUUM), else the first step alone.
 */
function leadingGroup(map: LoadedDataMap, pending: StepRow[]): StepRow[] {
  for (const together of [isBuiltinSqlStep, isBuiltinVacuumStep]) {
    const end = pending.findIndex((step) => !together(map, step));
    if (end !== 0) return end === -1 ? pending : pending.slice(0, end);
  }
  return [pending[0]];
}

/** Runs one step, or a group of them (`leadingGroup`); false when it failed or another worker holds it. */
async function runSteps(ctx: AppContext, run: RunRow, steps: StepRow[], hooks: ErasureHooks): Promise<boolean> {
  const kind = steps[0].spec.kind;
  if (LEASED.has(kind) && !(await leaseSteps(ctx, run.id, steps.map((step) => step.seq)))) return false;
  try {
    await runInChain(() =>
      isBuiltinSqlStep(dataMap(ctx.config), steps[0]) ? runBuiltinSqlSteps(ctx, run, steps) : kind === 'vacuum' ? runVacuums(ctx, run, steps) : RUNNERS[kind](ctx, run, steps[0], hooks),
    );
  } catch (caught) {
    if (caught instanceof StepAlreadyDone) return false;
    // The others of a leased group are retried with the failed one, not held until their lease ends.
    // (If that fails too, the leases end on their own.)
    if (steps.length > 1 && LEASED.has(kind)) await releaseLeases(ctx, run.id, steps.map((step) => step.seq)).catch(() => undefined);
    const step = caught instanceof GroupStepFailed ? caught.step : steps[0];
    const error = caught instanceof GroupStepFailed ? caught.reason : caught;
    // A driver's error can quote the statement's parameters (identifiers): never let pg-boss store it.
    await recordFailure(ctx, run.id, step, error).catch((failure: unknown) => {
      throw new Error(`erasure step ${step.seq} failed and could not be recorded: ${describeError(failure)}`);
    });
    return false;
  }
  return true;
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
      await failRun(ctx, tx, run, current, `step ${step.seq} (${step.spec.kind}${step.spec.kind === 'sql' ? ` ${step.spec.table}` : step.spec.kind === 'keys' || step.spec.kind === 'files' ? ` ${step.spec.store}.${step.spec.name}` : ''}) failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`);
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
