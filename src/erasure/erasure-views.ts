import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { describeStep } from '../domain/erasure-plan.ts';
import { erasureDownstream, erasureRetentions, erasureRuns, erasureWebhookEndpoints } from './erasure.tables.ts';
import { stepsOf, type RunRow } from './run-state.ts';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

/** The `ErasureRun` of API.md, with more detail for the admin screen. */
export async function runView(db: Db, run: RunRow) {
  const [steps, downstream, retained] = await Promise.all([
    stepsOf(db, run.id),
    db.select().from(erasureDownstream).where(eq(erasureDownstream.runId, run.id)),
    db.select().from(erasureRetentions).where(eq(erasureRetentions.runId, run.id)),
  ]);
  return {
    id: run.id,
    applicationId: run.applicationId,
    subject: run.subjectId,
    state: run.state,
    startedAt: run.startedAt.toISOString(),
    completedAt: iso(run.completedAt),
    failedAt: iso(run.failedAt),
    failureReason: run.failureReason ?? undefined,
    certificateId: run.certificateId ?? undefined,
    steps: steps.map((s) => ({
      seq: s.seq,
      kind: s.spec.kind,
      ...describeStep(s.spec),
      rows: s.rows,
      state: s.state,
      attempts: s.attempts,
      lastError: s.lastError ?? undefined,
      retryAt: iso(s.retryAt),
      doneAt: iso(s.doneAt),
    })),
    downstream: downstream
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((d) => ({
        name: d.name,
        state: d.state,
        attempts: d.attempts,
        lastStatus: d.lastStatus ?? undefined,
        lastError: d.lastError ?? undefined,
        nextAttemptAt: d.state === 'pending' ? iso(d.nextAttemptAt) : undefined,
        deliveredAt: iso(d.deliveredAt),
        confirmedAt: iso(d.confirmedAt),
        outcome: d.outcome ?? undefined,
        exceptionReason: d.exceptionReason ?? undefined,
      })),
    retained: retained.map((r) => ({
      store: r.store,
      table: r.tableName,
      rows: r.rows,
      legalBasis: r.legalBasis,
      period: r.period,
      purgeAfter: r.purgeAfter.toISOString(),
      purgedAt: iso(r.purgedAt),
      purgedRows: r.purgedRows ?? undefined,
    })),
  };
}

export async function getRunView(ctx: AppContext, runId: string) {
  const [run] = await ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
  if (!run) throw new AppError('ERASURE_NOT_FOUND');
  return runView(ctx.db, run);
}

/** Runs of one application, or the latest runs (optionally in one state). */
export async function listRunViews(ctx: AppContext, filter: { applicationId?: string; state?: RunRow['state']; limit?: number }) {
  const conditions = [filter.applicationId ? eq(erasureRuns.applicationId, filter.applicationId) : undefined, filter.state ? eq(erasureRuns.state, filter.state) : undefined];
  const runs = await ctx.db
    .select()
    .from(erasureRuns)
    .where(and(...conditions))
    .orderBy(desc(erasureRuns.startedAt))
    .limit(filter.limit ?? 50);
  return { items: await Promise.all(runs.map((r) => runView(ctx.db, r))) };
}

/** Health of each configured receiver: disabled or not, last outcomes, deliveries waiting. */
export async function webhookHealth(ctx: AppContext) {
  const names = ctx.config.webhooks.map((w) => w.name);
  const endpoints = names.length ? await ctx.db.select().from(erasureWebhookEndpoints).where(inArray(erasureWebhookEndpoints.name, names)) : [];
  const open = names.length
    ? await ctx.db
        .select({ name: erasureDownstream.name, state: erasureDownstream.state, n: sql<number>`count(*)::int` })
        .from(erasureDownstream)
        .where(and(inArray(erasureDownstream.name, names), sql`${erasureDownstream.state} NOT IN ('confirmed', 'exception')`))
        .groupBy(erasureDownstream.name, erasureDownstream.state)
    : [];
  return {
    items: ctx.config.webhooks.map((w) => {
      const e = endpoints.find((x) => x.name === w.name);
      const waiting: Record<string, number> = {};
      for (const o of open.filter((x) => x.name === w.name)) waiting[o.state] = Number(o.n);
      return {
        name: w.name,
        // Only the origin: a URL's path or query may carry a token.
        origin: new URL(w.url).origin,
        status: e?.disabledAt ? 'disabled' : (e?.consecutiveFailures ?? 0) > 0 ? 'failing' : 'healthy',
        disabledAt: iso(e?.disabledAt),
        disabledReason: e?.disabledReason ?? undefined,
        lastSuccessAt: iso(e?.lastSuccessAt),
        lastFailureAt: iso(e?.lastFailureAt),
        lastStatus: e?.lastStatus ?? undefined,
        consecutiveFailures: e?.consecutiveFailures ?? 0,
        waiting,
      };
    }),
  };
}

