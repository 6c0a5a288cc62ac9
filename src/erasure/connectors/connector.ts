import type { AppContext } from '../../context.ts';
import type { StoreSpec } from '../../domain/erasure-datamap.ts';
import type { ReachPath, SqlStep } from '../../domain/erasure-plan.ts';
import type { RetentionSummary } from '../../domain/erasure-retention.ts';
import type { Needle, ScanQueryInput } from '../../domain/erasure-scan.ts';
import type { ParamValues } from '../params.ts';
import type { SubjectRowsQuery } from '../../domain/erasure-sql.ts';
import type { DescribedTable } from '../../domain/datamap-draft.ts';
import { mysqlConnector } from './mysql.ts';

/**
 * What every store connector does for one store of the data map, whatever the store is:
 * plan (count the subject's rows), execute a step idempotently (a step run twice after a crash
 * ends in the same state and reports the same rows), sample values and scan for the verification,
 * reclaim space, and read the subject's rows for the data export. `erasure.stores.NAME.url`'s scheme picks the connector:
 *
 * - `postgres:` — `../store-connection.ts` (also Adieu's own database); the original SQL connector.
 * - `mysql:` / `mariadb:` — `./mysql.ts`.
 * - Redis (`redis:`), file folders (`file:`) and S3-compatible object stores (`s3:`) are meant to
 *   implement this same interface, with key patterns / path templates in place of tables; they
 *   are not built yet (see datamap/README.md).
 */
export interface StepOutcome {
  rows: number;
  retention?: RetentionSummary;
}

/**
 * The data export's read: the subject's rows of one table, these columns only, handed over in
 * batches as a server-side cursor (PostgreSQL) or a streamed result (MySQL) yields them, so memory
 * holds one batch whatever the buyer's size. The next batch is fetched once `onBatch` resolves.
 * Returns how many rows were read.
 */
export type ReadSubjectRows = (query: SubjectRowsQuery, values: ParamValues, onBatch: (rows: Array<Record<string, unknown>>) => Promise<void>) => Promise<number>;

/** Rows per batch of a read: large enough to amortise a round trip, small enough to stay flat. */
export const READ_BATCH = 1000;

/** A table to scan, as the PostgreSQL scan takes it. */
export type TableScanTarget = ScanQueryInput;

export interface StoreConnector {
  readonly scheme: string;
  /** How many of the subject's rows the step would touch (dry run). */
  plan(spec: SqlStep, values: ParamValues): Promise<number>;
  /**
   * Runs the step once: its effect and the store's own marker of (run, seq) commit together, so a
   * resumed run finds the marker and only reports it.
   */
  execute(spec: SqlStep, values: ParamValues, marker: { runId: string; seq: number }): Promise<StepOutcome>;
  /** Up to `limit` distinct text values of one column of the subject's rows. */
  sample(table: string, column: string, path: ReachPath, values: ParamValues, limit: number): Promise<string[]>;
  /** Columns of the given tables whose type cannot hold a needle (dates, times). */
  unscannable(tables: string[]): Promise<Map<string, Set<string>>>;
  /** For each needle found: in how many rows of the table. */
  scan(target: TableScanTarget, needles: Needle[], values: ParamValues): Promise<Array<{ needle: number; rows: number }>>;
  /** Every column of the base tables of these schemas (MySQL: databases), for `datamap check`. */
  catalog(schemas: string[]): Promise<Array<{ table: string; column: string }>>;
  /** The structure of the URL's database and up to `sample` values per column (kept in memory only), for `datamap discover`. */
  describe(sample: number, progress?: (done: number, total: number) => void): Promise<DescribedTable[]>;
  /** Reclaims the space of deleted/updated rows; a refusal is reported, not thrown. */
  vacuum(table: string): Promise<void>;
  /** The subject's rows of one table, for the data export. */
  read: ReadSubjectRows;
}

const SCHEMES: Record<string, (ctx: AppContext, store: StoreSpec, url: string) => StoreConnector> = {
  'mysql:': mysqlConnector,
  'mariadb:': mysqlConnector,
};

/** The connector of a store that is not PostgreSQL, or null (PostgreSQL and Adieu's own database). */
export function storeConnector(ctx: AppContext, store: StoreSpec): StoreConnector | null {
  if (store.database === 'adieu') return null;
  const url = ctx.config.erasure.stores[store.database.config]?.url;
  if (!url) return null;
  const make = SCHEMES[new URL(url).protocol];
  return make ? make(ctx, store, url) : null;
}
