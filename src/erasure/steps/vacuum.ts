import type { AppContext } from '../../context.ts';
import { quoteTable } from '../../domain/erasure-sql.ts';
import { dataMap } from '../datamap.ts';
import { connectStore } from '../store-connection.ts';
import { storeConnector } from '../connectors/connector.ts';
import { completeStep, stepsOf, type RunRow, type StepRow } from '../run-state.ts';

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
  if (step.spec.kind !== 'vacuum') throw new Error('not a vacuum step');
  const store = dataMap(ctx.config).stores.find((s) => s.store === (step.spec as { store: string }).store);
  const vacuumed: string[] = [];
  const skipped: Array<{ table: string; reason: string }> = [];
  const embedded = store?.database === 'adieu' && ctx.database.kind === 'embedded';
  const level: ScrubLevel = embedded ? 'embedded-full' : ctx.config.erasure.scrub;
  if (store && level !== 'none') {
    const connector = storeConnector(ctx, store);
    const statement = level === 'vacuum' ? 'VACUUM' : 'VACUUM FULL';
    const vacuum = connector ? (table: string) => connector.vacuum(table) : (table: string) => connectStore(ctx, store).exec(`${statement} ${quoteTable(table)}`);
    for (const table of step.spec.tables) {
      try {
        await vacuum(table);
        vacuumed.push(table);
      } catch (error) {
        skipped.push({ table, reason: String((error as { code?: string }).code ?? 'unsupported') });
      }
    }
    if (embedded && !(await laterEmbeddedScrub(ctx, run, step))) await connectStore(ctx, store).exec(`SET wal_recycle = off; SELECT pg_switch_wal(); CHECKPOINT; RESET wal_recycle;`);
  }
  await completeStep(ctx, run, step, { rows: vacuumed.length, result: { level, vacuumed, skipped } });
}

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
