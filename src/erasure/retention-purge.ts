import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { parentsOf, tableOf } from '../domain/erasure-datamap.ts';
import { type SqlStep } from '../domain/erasure-plan.ts';
import { buildPurgeSql, quoteTable, retentionStart, subjectPredicate } from '../domain/erasure-sql.ts';
import { addPeriod } from '../domain/erasure-retention.ts';
import { QUEUES } from '../jobs/queues.ts';
import { dataMap, type LoadedDataMap } from './datamap.ts';
import { erasureRetentions, erasureRuns } from './erasure.tables.ts';
import { connectStore } from './store-connection.ts';
import { storeConnector } from './connectors/connector.ts';
import { resolveParams } from './params.ts';
import { stepsOf } from './run-state.ts';

/**
 * Timer: finds erased buyers whose retained records have rows due, and queues one purge job per
 * buyer. The rows found are looked at again a day later at the earliest (the job sets the real next
 * date), so the purge runs daily however often the timer ticks.
 */
export async function findDueRetentions(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const due = await tx
      .update(erasureRetentions)
      .set({ firstPurgeAfter: new Date(now.getTime() + 86_400_000) })
      .where(and(isNull(erasureRetentions.purgedAt), lte(erasureRetentions.firstPurgeAfter, now)))
      .returning({ runId: erasureRetentions.runId });
    const runs = [...new Set(due.map((d) => d.runId))];
    for (const runId of runs) await ctx.jobs.enqueue(tx, QUEUES['erasure.retention'].name, { runId });
    return runs.length;
  });
}

/** Child tables kept on a legal basis that point at this table: their rows go first. */
function retainedChildren(map: LoadedDataMap, step: SqlStep): Array<{ table: string; column: string; parentColumn: string }> {
  const children: Array<{ table: string; column: string; parentColumn: string }> = [];
  for (const store of map.stores) {
    for (const [table, spec] of Object.entries(store.tables)) {
      if (spec.rows !== 'retain' || !parentsOf(spec).includes(step.table)) continue;
      const refs = { ...(spec.references ?? {}), ...(spec.reach && 'references' in spec.reach ? { [spec.reach.column]: spec.reach.references } : {}) };
      for (const [column, target] of Object.entries(refs)) {
        if (tableOf(target) === step.table) children.push({ table, column, parentColumn: target.split('.')[2] });
      }
    }
  }
  return children;
}

/**
 * The `erasure.retention` job: hard-deletes the retained rows of one erased buyer whose period has
 * ended, table by table in the plan's order (children first), each one set-based statement. A
 * table with rows still inside their period is looked at again when the next of them is due.
 */
export async function runRetentionJob(ctx: AppContext, data: { runId: string }): Promise<void> {
  await ctx.clock.refresh(ctx.db);
  const [run] = await ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, data.runId));
  if (!run) return;
  const ledger = await ctx.db
    .select()
    .from(erasureRetentions)
    .where(and(eq(erasureRetentions.runId, run.id), isNull(erasureRetentions.purgedAt)))
    .orderBy(asc(erasureRetentions.tableName));
  const steps = (await stepsOf(ctx.db, run.id)).filter((s) => s.spec.kind === 'sql' && s.spec.retain);
  const map = dataMap(ctx.config);
  for (const step of steps) {
    const spec = step.spec as SqlStep;
    const entry = ledger.find((l) => l.store === spec.store && l.tableName === spec.table);
    // The rows themselves say what is due; the ledger only says where to look.
    const store = map.stores.find((s) => s.store === spec.store);
    if (!entry || !store || !spec.retain) continue;
    // Retained rows in stores of other connectors wait for their own purge (not built yet).
    if (storeConnector(ctx, store)) continue;
    const now = ctx.clock.now();
    const connection = connectStore(ctx, store);
    const built = buildPurgeSql(spec, retainedChildren(map, spec));
    const [result] = await connection.query(built.text, resolveParams(built.params, { userId: run.userId, subjectId: run.subjectId, now }));
    const purged = Number(result?.n ?? 0);
    const remaining = Number(result?.remaining ?? 0);
    let nextDue: Date | null = null;
    if (remaining > 0) {
      const predicate = subjectPredicate(spec.reach);
      const from = retentionStart(spec.retain);
      const [row] = await connection.query(
        `SELECT min(${from}) AS f FROM ${quoteTable(spec.table)} AS t WHERE ${predicate.text}`,
        resolveParams(predicate.params, { userId: run.userId, subjectId: run.subjectId, now }),
      );
      const earliest = row?.f ? new Date(row.f as string) : null;
      // Rows already due but waiting for a child: look again tomorrow.
      nextDue = earliest ? new Date(Math.max(addPeriod(earliest, spec.retain.period).getTime(), now.getTime() + 86_400_000)) : null;
    }
    await ctx.db.transaction(async (tx) => {
      await tx
        .update(erasureRetentions)
        .set({
          purgedRows: (entry.purgedRows ?? 0) + purged,
          purgedAt: remaining === 0 ? now : null,
          firstPurgeAfter: nextDue ?? entry.firstPurgeAfter,
        })
        .where(eq(erasureRetentions.id, entry.id));
      if (purged > 0 || remaining === 0) {
        await appendAudit(tx, {
          at: now,
          actor: 'system',
          action: 'erasure.retention_purged',
          subject: run.subjectId,
          target: run.id,
          data: { store: spec.store, table: spec.table, rows: purged, remaining },
        });
      }
    });
  }
}
