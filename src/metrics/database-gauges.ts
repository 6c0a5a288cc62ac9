import { Gauge, type Registry } from 'prom-client';
import type { AppContext } from '../context.ts';
import { BOSS_SCHEMA } from '../jobs/job-queue.ts';
import { loggableError } from '../http/error-handler.ts';
import type { ApplicationStatus } from '../cancellation/cancellation.tables.ts';

const APPLICATION_STATUSES: ApplicationStatus[] = ['submitted', 'in_review', 'needs_info', 'rejected', 'approved', 'grace', 'erasing', 'erased', 'withdrawn'];

/** Label values come from our own enums and queue names; anything else is folded, never echoed. */
const safeLabel = (value: unknown) => (typeof value === 'string' && /^[a-z][a-z0-9_.-]{0,62}$/.test(value) ? value : 'other');

export interface DatabaseGauges {
  refresh(): Promise<void>;
}

async function rows<T>(ctx: AppContext, text: string): Promise<T[]> {
  const result = await ctx.database.executeSql(text);
  return (Array.isArray(result) ? result[0]?.rows : result.rows) ?? [];
}

/**
 * Gauges read from the database at scrape time: job queues (pg-boss's own tables), applications by
 * status, SLA breaches, erasure steps. Counts only; no label ever carries an id or personal data.
 */
export function databaseGauges(ctx: AppContext, registry: Registry): DatabaseGauges {
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const queueDepth = g('adieu_job_queue_depth', 'Jobs waiting to run (created or waiting for a retry), per queue.', ['queue']);
  const queueDue = g('adieu_job_queue_due', 'Waiting jobs whose start time has come, per queue.', ['queue']);
  const queueAge = g('adieu_job_queue_oldest_age_seconds', 'Age of the oldest waiting job that is due, per queue (0 when none).', ['queue']);
  const queueActive = g('adieu_job_queue_active', 'Jobs being worked on now, per queue.', ['queue']);
  const queueFailed = g('adieu_job_queue_failed', 'Jobs that failed for good and are not yet archived, per queue.', ['queue']);
  const applications = g('adieu_applications', 'Cancellation applications by status.', ['status']);
  const slaBreaches = g('adieu_applications_sla_breached', 'Applications whose review deadline passed before a decision (ever).');
  const slaBreachesOpen = g('adieu_applications_sla_breached_open', 'Applications past their review deadline and still undecided.');
  const erasureSteps = g('adieu_erasure_steps', 'Erasure steps by state (absent until the erasure engine has its table).', ['state']);
  const erasureRuns = g('adieu_erasure_runs', 'Erasure runs by state (absent until the erasure engine has its table).', ['state']);
  const scrapeErrors = g('adieu_metrics_database_up', '1 when the last scrape could read the database, else 0.');

  return {
    async refresh() {
      try {
        const queues = await rows<{ name: string; depth: number; due: number; active: number; failed: number; oldest: number | null }>(
          ctx,
          `SELECT q.name,
                  count(j.id) FILTER (WHERE j.state < 'active')::int AS depth,
                  count(j.id) FILTER (WHERE j.state < 'active' AND j.start_after <= now())::int AS due,
                  count(j.id) FILTER (WHERE j.state = 'active')::int AS active,
                  count(j.id) FILTER (WHERE j.state = 'failed')::int AS failed,
                  extract(epoch FROM now() - min(j.start_after) FILTER (WHERE j.state < 'active' AND j.start_after <= now()))::float8 AS oldest
             FROM ${BOSS_SCHEMA}.queue q
             LEFT JOIN ${BOSS_SCHEMA}.job j ON j.name = q.name AND j.state IN ('created', 'retry', 'active', 'failed')
            GROUP BY q.name`,
        );
        for (const gauge of [queueDepth, queueDue, queueAge, queueActive, queueFailed]) gauge.reset();
        for (const q of queues) {
          const queue = safeLabel(q.name);
          queueDepth.set({ queue }, Number(q.depth));
          queueDue.set({ queue }, Number(q.due));
          queueActive.set({ queue }, Number(q.active));
          queueFailed.set({ queue }, Number(q.failed));
          queueAge.set({ queue }, Math.max(0, Number(q.oldest ?? 0)));
        }

        const byStatus = await rows<{ status: string; n: number }>(ctx, `SELECT status, count(*)::int AS n FROM applications GROUP BY status`);
        applications.reset();
        for (const status of APPLICATION_STATUSES) applications.set({ status }, 0);
        for (const row of byStatus) applications.set({ status: safeLabel(row.status) }, Number(row.n));

        const [sla] = await rows<{ breached: number; open: number }>(
          ctx,
          `SELECT count(*) FILTER (WHERE sla_breached_at IS NOT NULL)::int AS breached,
                  count(*) FILTER (WHERE sla_breached_at IS NOT NULL AND decided_at IS NULL AND status IN ('submitted', 'in_review'))::int AS open
             FROM applications`,
        );
        slaBreaches.set(Number(sla?.breached ?? 0));
        slaBreachesOpen.set(Number(sla?.open ?? 0));

        // The erasure engine owns its tables; count by state once they exist.
        for (const [table, gauge] of [
          ['erasure_steps', erasureSteps],
          ['erasure_runs', erasureRuns],
        ] as const) {
          gauge.reset();
          const [present] = await rows<{ present: boolean }>(
            ctx,
            `SELECT EXISTS (SELECT 1 FROM information_schema.columns
                             WHERE table_schema = current_schema() AND table_name = '${table}' AND column_name = 'state') AS present`,
          );
          if (!present?.present) continue;
          for (const row of await rows<{ state: string; n: number }>(ctx, `SELECT state, count(*)::int AS n FROM ${table} GROUP BY state`)) {
            gauge.inc({ state: safeLabel(row.state) }, Number(row.n));
          }
        }
        scrapeErrors.set(1);
      } catch (error) {
        scrapeErrors.set(0);
        ctx.logger.warn({ err: loggableError(error) }, 'metrics: database gauges unavailable');
      }
    },
  };
}
