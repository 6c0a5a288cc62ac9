import type { AppContext } from '../../context.ts';
import type { Db } from '../../db/database.ts';
import { newId } from '../../ids.ts';
import { changesNothing, type SqlStep } from '../../domain/erasure-plan.ts';
import { buildStepSql, type BuiltSql } from '../../domain/erasure-sql.ts';
import { buildKeptRowsSql, identifierFilters, numbersHoldOnlyPhones, type KeptColumns, type Needle } from '../../domain/erasure-scan.ts';
import { retentionSummary, type RetentionSummary } from '../../domain/erasure-retention.ts';
import { dataMap, type LoadedDataMap } from '../datamap.ts';
import { erasureRetentions } from '../erasure.tables.ts';
import { hmacHalves } from '../run-keys.ts';
import { resolveParams, type ParamValues } from '../params.ts';
import { storeConnector } from '../connectors/connector.ts';
import { loadRunSecrets } from '../run-secrets.ts';
import { RUN_ONLY_IDENTITIES, type IdentityKind } from '../../domain/erasure-datamap.ts';
import { connectStore, queryOn, type Query, type StoreConnection } from '../store-connection.ts';
import { lockForStep, markStepDone, markStepsDone, type RunRow, type StepOutcome, type StepRow } from '../run-state.ts';
import { columnTypes, NUMBER_TYPES, UNSCANNABLE_TYPES } from '../scan.ts';
import type { KeptRowsReading } from '../kept-rows-readings.ts';

interface SqlOutcome {
  rows: number;
  retention?: RetentionSummary;
  /** A step that changes nothing: what its reading of the kept rows found for the verification. */
  reading?: KeptRowsReading;
}

/** A kept table's reading: the columns that can hold an identifier, and the needles to look for. */
interface Reading {
  columns: KeptColumns;
  needles: Needle[];
}

/** How many columns a reading reads: its number columns only when there is a phone to look for. */
const columnsRead = (reading: Reading): number => reading.columns.all.length + (identifierFilters(reading.needles).phonePatterns.length > 0 ? reading.columns.numbers.length : 0);

const toDate = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));

/** The step's statement: with `reading`, a step that changes nothing also looks for the subject's identifiers in the rows it counts. */
function stepSql(spec: SqlStep, reading: Reading | null): BuiltSql {
  if (!reading) return buildStepSql(spec);
  const filters = identifierFilters(reading.needles);
  return buildKeptRowsSql(spec, reading.columns, { texts: filters.patterns.length, phones: filters.phonePatterns.length });
}

async function execute(query: Query, spec: SqlStep, built: BuiltSql, values: unknown[], reading: Reading | null): Promise<SqlOutcome> {
  const [row] = await query(built.text, values);
  const rows = Number(row?.n ?? 0);
  const outcome: SqlOutcome = { rows };
  const earliest = toDate(row?.earliest);
  const latest = toDate(row?.latest);
  if (spec.retain && rows > 0 && earliest && latest) {
    outcome.retention = retentionSummary(rows, earliest, latest, spec.retain.legalBasis, spec.retain.period);
  }
  if (reading) outcome.reading = { columns: columnsRead(reading), suspects: Number(row?.suspects ?? 0) };
  return outcome;
}

async function recordDone(ctx: AppContext, tx: Db, run: RunRow, step: StepRow, spec: SqlStep, outcome: SqlOutcome): Promise<void> {
  await recordRetentions(tx, run, [step], [outcome]);
  await markStepDone(ctx, tx, run, step, stepOutcome(outcome));
}

/** What the step's record keeps: its rows, the retention of kept rows, a reading's findings. */
function stepOutcome(outcome: SqlOutcome): StepOutcome {
  const result = { ...(outcome.retention && { retention: outcome.retention }), ...(outcome.reading && { reading: outcome.reading }) };
  return { rows: outcome.rows, result: Object.keys(result).length > 0 ? result : undefined };
}

/** The kept rows' retentions of `steps` (their `outcomes`, in the same order), in one statement. */
async function recordRetentions(tx: Db, run: RunRow, steps: StepRow[], outcomes: SqlOutcome[]): Promise<void> {
  const rows = steps.flatMap((step, i) => {
    const spec = step.spec as SqlStep;
    const retention = outcomes[i].retention;
    if (!retention) return [];
    return [
      {
        id: newId('ret'),
        runId: run.id,
        store: spec.store,
        tableName: spec.table,
        rows: outcomes[i].rows,
        legalBasis: retention.legalBasis,
        period: retention.period,
        firstPurgeAfter: new Date(retention.firstPurgeAfter),
        purgeAfter: new Date(retention.purgeAfter),
      },
    ];
  });
  if (rows.length > 0) await tx.insert(erasureRetentions).values(rows).onConflictDoNothing();
}

const markersReady = new WeakSet<object>();

/** External stores keep their own record of done steps, in the same transaction as the effect. */
async function ensureMarkers(connection: StoreConnection): Promise<void> {
  if (markersReady.has(connection)) return;
  await connection
    .exec(
      `CREATE TABLE IF NOT EXISTS adieu_erasure_markers (
         run_id text NOT NULL, seq integer NOT NULL, rows bigint NOT NULL, result jsonb,
         done_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run_id, seq))`,
    )
    .catch(() => undefined);
  markersReady.add(connection);
}

/** Whether a step is a statement in Adieu's own database (such steps can share one transaction). */
export function isBuiltinSqlStep(map: LoadedDataMap, step: StepRow): boolean {
  if (step.spec.kind !== 'sql') return false;
  const store = map.stores.find((s) => s.store === (step.spec as SqlStep).store);
  return store?.database === 'adieu';
}

/** A step of a group failed: which one, and why (the group's transaction rolled back). */
export class GroupStepFailed extends Error {
  constructor(
    readonly step: StepRow,
    readonly reason: unknown,
  ) {
    super('a step of the group failed');
  }
}

/**
 * Consecutive steps in Adieu's own database, in ONE transaction: every statement and every "done"
 * mark commit together (one commit instead of one per table), or none does and the group is
 * retried from its first step. Steps stay separate in the record and the audit log.
 */
export async function runBuiltinSqlSteps(ctx: AppContext, run: RunRow, steps: StepRow[]): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const locked = await lockForStep(tx, run.id, steps[0].seq);
    if (!locked) return;
    const readings = await readingsOf(ctx, queryOn(tx), run, steps);
    const done: Parameters<typeof markStepsDone>[3] = [];
    const outcomes: SqlOutcome[] = [];
    for (const step of steps) {
      const spec = step.spec as SqlStep;
      try {
        const reading = readings.get(step.seq) ?? null;
        const built = stepSql(spec, reading);
        const outcome = await execute(queryOn(tx), spec, built, await stepValues(ctx, run, spec, built, reading?.needles), reading);
        outcomes.push(outcome);
        done.push({ step, outcome: stepOutcome(outcome), at: ctx.clock.now() });
      } catch (error) {
        throw new GroupStepFailed(step, error);
      }
    }
    await recordRetentions(tx, locked, steps, outcomes);
    await markStepsDone(ctx, tx, locked, done);
  });
}

/**
 * The identities of the subject: Adieu's ids from the run, the platform's id and the contact from
 * the run's sealed secrets (the buyer's own key may be gone by then). `needed` says when those
 * secrets must be there (a table reached by one of them); otherwise they are used when present.
 */
async function identitiesFor(ctx: AppContext, run: RunRow, needed: IdentityKind | null): Promise<Omit<ParamValues, 'now'>> {
  const base = { userId: run.userId, subjectId: run.subjectId };
  const required = needed !== null && RUN_ONLY_IDENTITIES.includes(needed);
  if (needed !== null && !required) return base;
  const secrets = await loadRunSecrets(ctx, run);
  if (!secrets) {
    if (required) throw new Error(`the run no longer holds the ${needed} this step's rows are reached by`);
    return base;
  }
  return { ...base, externalId: secrets.externalId ?? null, email: secrets.email, phone: secrets.phone };
}

/**
 * The values a connector resolves its own statements' (and key/file templates') parameters from.
 * `reachedBy` is the identity a table's reach names; key and file steps pass null (their templates
 * may name any identity).
 */
export async function stepParamValues(ctx: AppContext, run: RunRow, spec: { sets?: SqlStep['sets'] }, reachedBy: IdentityKind | null): Promise<ParamValues> {
  const hmac = spec.sets?.some((s) => s.op === 'pseudonymise') ? await hmacHalves(ctx, run.id) : undefined;
  return { ...(await identitiesFor(ctx, run, reachedBy)), now: ctx.clock.now(), hmac };
}

async function stepValues(ctx: AppContext, run: RunRow, spec: SqlStep, built: BuiltSql, needles?: Needle[]): Promise<unknown[]> {
  const hmac = built.params.some((p) => p.ref === 'hmac_outer') ? await hmacHalves(ctx, run.id) : undefined;
  return resolveParams(built.params, { ...(await identitiesFor(ctx, run, spec.reach.identity.kind)), now: ctx.clock.now(), hmac, needles });
}

/**
 * Which of `steps` (PostgreSQL statements) change nothing and so read the kept rows for the
 * verification too, with the needles to look for and the table's columns that can hold one (as the
 * verification's own scan reads them). None when the run's sealed needles are gone: the
 * verification, which needs them as well, then fails on its own.
 */
async function readingsOf(ctx: AppContext, query: Query, run: RunRow, steps: StepRow[]): Promise<Map<number, Reading>> {
  const readings = new Map<number, Reading>();
  const kept = steps.filter((step) => changesNothing(step.spec as SqlStep));
  if (kept.length === 0) return readings;
  const secrets = await loadRunSecrets(ctx, run);
  if (!secrets || secrets.needles.length === 0) return readings;
  const map = dataMap(ctx.config);
  const types = await columnTypes(
    query,
    kept.map((step) => (step.spec as SqlStep).table),
  );
  const onlyPhones = numbersHoldOnlyPhones(secrets.needles);
  for (const step of kept) {
    const spec = step.spec as SqlStep;
    const mapped = map.stores.find((store) => store.store === spec.store)?.tables[spec.table];
    const columns: KeptColumns = { all: [], numbers: [] };
    for (const column of Object.keys(mapped?.columns ?? {}).sort()) {
      const type = types.get(spec.table)?.get(column) ?? '';
      if (UNSCANNABLE_TYPES.has(type)) continue;
      (onlyPhones && NUMBER_TYPES.has(type) ? columns.numbers : columns.all).push(column);
    }
    readings.set(step.seq, { columns, needles: secrets.needles });
  }
  return readings;
}

/**
 * One table's step: one set-based statement. In Adieu's database the statement and the step's
 * "done" mark commit together, so a crash either keeps both or neither. In an external store the
 * statement and a marker row commit together there; a resumed run finds the marker and only
 * records it here, so the effect never happens twice.
 */
export async function runSqlStep(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  const spec = step.spec as SqlStep;
  const store = dataMap(ctx.config).stores.find((s) => s.store === spec.store);
  if (!store) throw new Error(`store ${spec.store} is no longer in the data map`);
  const connector = storeConnector(ctx, store);
  if (connector) {
    const outcome = await connector.execute(spec, await stepParamValues(ctx, run, spec, spec.reach.identity.kind), { runId: run.id, seq: step.seq });
    await ctx.db.transaction(async (tx) => {
      const locked = await lockForStep(tx, run.id, step.seq);
      if (!locked) return;
      await recordDone(ctx, tx, locked, step, spec, outcome);
    });
    return;
  }
  const connection = connectStore(ctx, store);
  if (connection.builtin) return runBuiltinSqlSteps(ctx, run, [step]);

  await ensureMarkers(connection);
  const outcome = await connection.transaction(async (query): Promise<SqlOutcome> => {
    const [marker] = await query('SELECT rows, result FROM adieu_erasure_markers WHERE run_id = $1 AND seq = $2 FOR UPDATE', [run.id, step.seq]);
    if (marker) {
      const recorded = marker.result as { retention?: RetentionSummary | null; reading?: KeptRowsReading | null } | null;
      return { rows: Number(marker.rows), retention: recorded?.retention ?? undefined, reading: recorded?.reading ?? undefined };
    }
    const reading = (await readingsOf(ctx, query, run, [step])).get(step.seq) ?? null;
    const built = stepSql(spec, reading);
    const done = await execute(query, spec, built, await stepValues(ctx, run, spec, built, reading?.needles), reading);
    await query('INSERT INTO adieu_erasure_markers (run_id, seq, rows, result) VALUES ($1, $2, $3, $4)', [
      run.id,
      step.seq,
      done.rows,
      JSON.stringify({ retention: done.retention ?? null, reading: done.reading ?? null }),
    ]);
    return done;
  });
  await ctx.db.transaction(async (tx) => {
    const locked = await lockForStep(tx, run.id, step.seq);
    if (!locked) return;
    await recordDone(ctx, tx, locked, step, spec, outcome);
  });
}

/**
 * Runs a recorded step again, for `erase --reapply` after a restore: no run, no "done" marks (the
 * run that recorded the step completed long ago); the statement is set-based and idempotent, so
 * running it over rows that are already erased changes nothing. Returns the rows it touched.
 */
export async function reapplySqlStep(ctx: AppContext, spec: SqlStep, values: ParamValues, marker: { runId: string; seq: number }): Promise<number> {
  const store = dataMap(ctx.config).stores.find((s) => s.store === spec.store);
  if (!store) throw new Error(`store ${spec.store} is no longer in the data map`);
  const connector = storeConnector(ctx, store);
  if (connector) return (await connector.execute(spec, values, marker)).rows;
  const connection = connectStore(ctx, store);
  const built = buildStepSql(spec);
  const resolved = resolveParams(built.params, values);
  if (connection.builtin) return (await execute(queryOn(ctx.db), spec, built, resolved, null)).rows;
  return (await connection.transaction((query) => execute(query, spec, built, resolved, null))).rows;
}
