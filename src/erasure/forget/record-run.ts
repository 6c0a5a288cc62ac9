import type { AppContext } from '../../context.ts';
import { stepsOf, type RunRow } from '../run-state.ts';
import { forgetHash, type ForgetEntry, type ForgetStep } from './forget-list.ts';

async function stepsOfRun(ctx: AppContext, runId: string): Promise<ForgetStep[]> {
  return (await stepsOf(ctx.db, runId)).map((s) => ({ spec: s.spec, rows: s.state === 'done' ? (s.rows ?? 0) : null }));
}

/**
 * Puts the run's subject on the forget list before any step destroys anything (called by the
 * prepare step): from then on a restore of the main database can be followed by `--reapply`.
 */
export async function recordRunOnForgetList(ctx: AppContext, run: RunRow): Promise<void> {
  await ctx.forgetList.record({ subjectHash: await forgetHash(ctx.keys, run.userId), startedAt: run.startedAt, steps: await stepsOfRun(ctx, run.id) });
}

/** The run completed: the steps it performed, with the rows each touched. */
export async function completeRunOnForgetList(ctx: AppContext, run: RunRow): Promise<void> {
  const subjectHash = await forgetHash(ctx.keys, run.userId);
  const steps = await stepsOfRun(ctx, run.id);
  // A run started before the forget list existed is added now, so it is covered all the same.
  await ctx.forgetList.record({ subjectHash, startedAt: run.startedAt, steps });
  await ctx.forgetList.complete(subjectHash, ctx.clock.now(), steps);
}

/**
 * The subjects on the forget list (erasures started at or after `since`, or all), for `adieu
 * erase --reapply` and `adieu keys reconcile`: compare a user id with `forgetHash(ctx.keys, id)`.
 */
export async function listForgottenSubjects(ctx: AppContext, since?: Date): Promise<ForgetEntry[]> {
  return ctx.forgetList.list(since);
}

/** Whether this user id is on the forget list. */
export async function isForgotten(ctx: AppContext, userId: string): Promise<boolean> {
  const hash = await forgetHash(ctx.keys, userId);
  return (await ctx.forgetList.list()).some((e) => e.subjectHash === hash);
}
