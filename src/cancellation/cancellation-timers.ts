import { registerTimer } from '../jobs/timers.ts';
import { runSlaChecks } from '../review/sla-timer.ts';
import { endGracePeriods } from './end-grace.ts';
import { purgeExpiredKeys } from './idempotency.ts';

// Time-based work of cancellation and review, run by the tick job and by POST /api/dev/jobs/run.
registerTimer({ name: 'cancellation.grace-end', run: endGracePeriods });
registerTimer({ name: 'review.sla', run: runSlaChecks });
registerTimer({ name: 'cancellation.idempotency-purge', run: (ctx) => purgeExpiredKeys(ctx.db, ctx.clock.now()) });
