import type { AppContext } from '../../context.ts';
import { quoteTable } from '../../domain/erasure-sql.ts';
import { dataMap } from '../datamap.ts';
import { connectStore, type StoreConnection } from '../store-connection.ts';
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
  const spec = step.spec;
  if (spec.kind !== 'vacuum') throw new Error('not a vacuum step');
  const store = dataMap(ctx.config).stores.find((s) => s.store === spec.store);
  const vacuumed: string[] = [];
  const skipped: Array<{ table: string; reason: string }> = [];
  const embedded = store?.database === 'adieu' && ctx.database.kind === 'embedded';
  const level: ScrubLevel = embedded ? 'embedded-full' : ctx.config.erasure.scrub;
  if (store && level !== 'none') {
    const connector = storeConnector(ctx, store);
    const statement = level === 'vacuum' ? 'VACUUM' : 'VACUUM FULL';
    const each = async (vacuum: (table: string) => Promise<void>) => {
      for (const table of spec.tables) {
        try {
          await vacuum(table);
          vacuumed.push(table);
        } catch (error) {
          skipped.push({ table, reason: String((error as { code?: string }).code ?? 'unsupported') });
        }
      }
    };
    if (connector) await each((table) => connector.vacuum(table));
    else await withVacuums(connectStore(ctx, store), statement, each);
    if (embedded && !(await laterEmbeddedScrub(ctx, run, step))) await connectStore(ctx, store).exec(`SET wal_recycle = off; SELECT pg_switch_wal(); CHECKPOINT; RESET wal_recycle;`);
  }
  await completeStep(ctx, run, step, { rows: vacuumed.length, result: { level, vacuumed, skipped } });
}

/**
 * Runs `fn` with a VACUUM of one table at a time across runs and processes, on one connection of
 * the store. Runs erased together reach their scrub together; a VACUUM waiting for another's lock
 * on the same table makes that one's truncation of the emptied end pages wait for it (up to 5 s,
 * PostgreSQL's fixed limit), and while runs keep coming the queue never drains. They queue on an
 * advisory lock instead, which truncation does not wait for. (The embedded database runs one
 * statement at a time anyway.)
 */
async function withVacuums(connection: StoreConnection, statement: string, fn: (vacuum: (table: string) => Promise<void>) => Promise<void>): Promise<void> {
  if (!connection.pool) return fn((table) => connection.exec(`${statement} ${quoteTable(table)}`));
  const client = await connection.pool.connect();
  let held: string | null = null;
  let broken: Error | undefined;
  try {
    await fn(async (table) => {
      // One round trip: the last table's lock is let go as this one's is taken.
      await client.query(
        held === null ? 'SELECT pg_advisory_lock($1, hashtext($2))' : 'SELECT pg_advisory_unlock($1, hashtext($3)), pg_advisory_lock($1, hashtext($2))',
        held === null ? [VACUUM_LOCK, table] : [VACUUM_LOCK, table, held],
      );
      held = table;
      await client.query(`${statement} ${quoteTable(table)}`);
    });
  } finally {
    if (held !== null) {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [VACUUM_LOCK, held]).catch((error: Error) => {
        broken = error;
      });
    }
    // A connection that could not unlock may still hold the lock: closing it releases the lock.
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
