import type { AppContext } from '../context.ts';

/**
 * A timer finds work that has become due by the service clock (a grace period ended, a deadline is
 * near…) and enqueues jobs for it. Timers are idempotent: the tick job may run them at any time.
 * Features export their timers; `src/app/timers.ts` lists them all.
 */
export type Timer = { name: string; run: (ctx: AppContext) => Promise<number> };

/** Runs the given timers in order; one failing does not stop the others. Returns how much each found. */
export async function runTimerList(ctx: AppContext, timers: readonly Timer[]): Promise<Record<string, number>> {
  await ctx.clock.refresh(ctx.db);
  const found: Record<string, number> = {};
  for (const timer of timers) {
    try {
      found[timer.name] = await timer.run(ctx);
    } catch (error) {
      ctx.logger.error({ timer: timer.name, err: { message: (error as Error).message } }, 'timer failed');
      found[timer.name] = -1;
    }
  }
  return found;
}
