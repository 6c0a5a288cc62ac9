import type { Timer } from '../jobs/timers.ts';
import { endGracePeriods } from './end-grace.ts';
import { purgeExpiredKeys } from './idempotency.ts';

/** Time-based work of cancellation, run by the tick job and by POST /api/dev/jobs/run. */
export const gracePeriodTimer: Timer = { name: 'cancellation.grace-end', run: endGracePeriods };
export const idempotencyPurgeTimer: Timer = { name: 'cancellation.idempotency-purge', run: (ctx) => purgeExpiredKeys(ctx.db, ctx.clock.now()) };
