import type { AppContext } from '../../context.ts';
import { quoteTable } from '../../domain/erasure-sql.ts';
import { dataMap, type LoadedDataMap } from '../datamap.ts';
import { connectStore, type StoreConnection } from '../store-connection.ts';
import { storeConnector } from '../connectors/connector.ts';
import { lockForStep, markStepsDone, stepsOf, type RunRow, type StepRow } from '../run-state.ts';

/**
 * What the scrub of one store did: `embedded-full` is VACUUM FULL plus a checkpoint that drops
 * the write-ahead log written before it (the embedded database); `vacuum` / `vacuum-full` / `none`
 * follow `erasure.scrub` on PostgreSQL.
 */
export type ScrubLevel = 'none' | 'vacuum' | 'vacuum-full' | 'embedded-full';

/**
 * The scrub after the data steps: rewrites the tables the run touched so old row versions holding
 * the buyer's values leave the files (outside any transaction, as VACUUM requires). On the embedded
 * database, whose files are all there is, it also ends the current WAL segment and checkpoints
 * with WAL recycling off, so segments holding the old values are deleted rather than renamed for
 * reuse with their bytes intact. A store that refuses a table is recorded, not failed.
 */
export async function runVacuum(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  await runVacuums(ctx, run, [step]);
}

/** Whether a step is the scrub of a store in Adieu's own database (such scrubs run together). */
export function isBuiltinVacuumStep(map: LoadedDataMap, step: StepRow): boolean {
  return step.spec.kind === 'vacuum' && map.stores.find((s) => s.store === (step.spec as { store: string }).store)?.database === 'adieu';
}

/**
 * `runVacuum` for consecutive scrubs of stores in Adieu's own database (`isBuiltinVacuumStep`),
 * which share one connection: their tables are vacuumed together and their steps marked done in
 * one transaction, each with its own tables' outcome.
 */
export async function runVacuums(ctx: AppContext, run: RunRow, steps: StepRow[]): Promise<void> {
  const specs = steps.map((step) => {
    if (step.spec.kind !== 'vacuum') throw new Error('not a vacuum step');
    return step.spec;
  });
  const store = dataMap(ctx.config).stores.find((s) => s.store === specs[0].store);
  const outcome: VacuumOutcome = { vacuumed: [], skipped: [] };
  const embedded = store?.database === 'adieu' && ctx.database.kind === 'embedded';
  const level: ScrubLevel = embedded ? 'embedded-full' : ctx.config.erasure.scrub;
  if (store && level !== 'none') {
    const connector = storeConnector(ctx, store);
    const statement = level === 'vacuum' ? 'VACUUM' : 'VACUUM FULL';
    const tables = specs.flatMap((spec) => spec.tables);
    if (connector) {
      for (const table of tables) await tryVacuum(outcome, table, () => connector.vacuum(table));
    } else await vacuumTables(connectStore(ctx, store), statement, tables, outcome);
    if (embedded && !(await laterEmbeddedScrub(ctx, run, steps[steps.length - 1]))) await connectStore(ctx, store).exec(`SET wal_recycle = off; SELECT pg_switch_wal(); CHECKPOINT; RESET wal_recycle;`);
  }
  const at = ctx.clock.now();
  const done = steps.map((step, i) => {
    const own = new Set(specs[i].tables);
    const vacuumed = outcome.vacuumed.filter((table) => own.has(table));
    return { step, outcome: { rows: vacuumed.length, result: { level, vacuumed, skipped: outcome.skipped.filter((s) => own.has(s.table)) } }, at };
  });
  await ctx.db.transaction(async (tx) => {
    const locked = await lockForStep(tx, run.id, steps[0].seq);
    if (locked) await markStepsDone(ctx, tx, locked, done);
  });
}

export interface VacuumOutcome {
  vacuumed: string[];
  skipped: Array<{ table: string; reason: string }>;
}

/** Runs one table's scrub: a store that refuses it is recorded, not failed. */
async function tryVacuum(outcome: VacuumOutcome, table: string, vacuum: () => Promise<unknown>): Promise<void> {
  try {
    await vacuum();
    outcome.vacuumed.push(table);
  } catch (error) {
    outcome.skipped.push({ table, reason: String((error as { code?: string }).code ?? 'unsupported') });
  }
}

/**
 * VACUUMs `tables` in one statement; if the store refuses it, each table on its own, so the
 * outcome names the ones it refuses.
 */
async function vacuumTogether(outcome: VacuumOutcome, statement: string, tables: string[], exec: (sql: string) => Promise<unknown>): Promise<void> {
  if (tables.length === 0) return;
  try {
    await exec(`${statement} ${tables.map(quoteTable).join(', ')}`);
    outcome.vacuumed.push(...tables);
  } catch {
    for (const table of tables) await tryVacuum(outcome, table, () => exec(`${statement} ${quoteTable(table)}`));
  }
}

/**
 * VACUUMs the tables on one connection of the store, one table at a time across runs and
 * processes. Runs erased together reach their scrub together; a VACUUM waiting for another's lock
 * on the same table makes that one's truncation of the emptied end pages wait for it (up to 5 s,
 * PostgreSQL's fixed limit), and while runs keep coming the queue never drains. They queue on an
 * advisory lock per table instead, which truncation does not wait for. The tables no other run
 * is scrubbing (all of them, unless runs come together) are locked, vacuumed and let go together,
 * in three round trips; the others then one at a time, waiting for each. (The embedded database
 * runs one statement at a time anyway.)
 */
export async function vacuumTables(connection: StoreConnection, statement: string, tables: string[], outcome: VacuumOutcome): Promise<void> {
  if (!connection.pool) return vacuumTogether(outcome, statement, tables, (sql) => connection.exec(sql));
  const client = await connection.pool.connect();
  const exec = (sql: string) => client.query(sql);
  let held: string[] = [];
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ free: string[] }>(
      `SELECT coalesce(array_agg(t ORDER BY i) FILTER (WHERE pg_try_advisory_lock($1, hashtext(t))), '{}') AS free FROM unnest($2::text[]) WITH ORDINALITY AS x(t, i)`,
      [VACUUM_LOCK, tables],
    );
    held = rows[0].free;
    await vacuumTogether(outcome, statement, held, exec);
    for (const table of tables.filter((t) => !held.includes(t))) {
      // One round trip: the tables locked so far are let go as this one's lock is taken.
      await client.query('SELECT (SELECT count(pg_advisory_unlock($1, hashtext(t))) FROM unnest($3::text[]) AS t), pg_advisory_lock($1, hashtext($2))', [VACUUM_LOCK, table, held]);
      held = [table];
      await tryVacuum(outcome, table, () => exec(`${statement} ${quoteTable(table)}`));
    }
  } finally {
    if (held.length > 0) {
      await client.query('SELECT pg_advisory_unlock($1, hashtext(t)) FROM unnest($2::text[]) AS t', [VACUUM_LOCK, held]).catch((error: Error) => {
        broken = error;
      });
    }
    // A connection that could not unlock may still hold a lock: closing it releases the lock.
    client.release(broken);
  }
}

/** The advisory locks' first key: VACUUM of one table (the second key is the table's name hashed). */
const VACUUM_LOCK = 7242002;

/**
 * Whether a later scrub step of the run rewrites tables of the embedded database too: its
 * checkpoint then drops this step's write-ahead log as well (one checkpoint, not one per store of
 * that database; each costs a flush of every page). Verify and the certificate come after it.
 */
async function laterEmbeddedScrub(ctx: AppContext, run: RunRow, step: StepRow): Promise<boolean> {
  const stores = dataMap(ctx.config).stores;
  return (await stepsOf(ctx.db, run.id)).some(({ seq, state, spec }) => {
    if (seq <= step.seq || state === 'done' || spec.kind !== 'vacuum') return false;
    return stores.find((store) => store.store === spec.store)?.database === 'adieu';
  });
}
