import type { AppContext } from '../context.ts';
import { runTimerList, type Timer } from '../jobs/timers.ts';
import { documentTimers } from '../documents/document-timers.ts';
import { gracePeriodTimer, idempotencyPurgeTimer } from '../cancellation/cancellation-timers.ts';
import { slaTimer } from '../review/sla-timer.ts';
import { identityTimers } from '../identity/identity-timers.ts';
import { erasureTimers } from '../erasure/erasure-timers.ts';
import { exportTimers } from '../export/register-export.ts';
import { freezeNoticeTimer } from '../cancellation/freeze/freeze-timers.ts';

/** Every timer of every feature, in the order the tick job runs them. */
export const TIMERS: readonly Timer[] = [...documentTimers, gracePeriodTimer, slaTimer, idempotencyPurgeTimer, freezeNoticeTimer, ...identityTimers, ...erasureTimers, ...exportTimers];

/** Runs every timer once (the tick job, POST /api/dev/jobs/run, tests). */
export function runTimers(ctx: AppContext): Promise<Record<string, number>> {
  return runTimerList(ctx, TIMERS);
}
