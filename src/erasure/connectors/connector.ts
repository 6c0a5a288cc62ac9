import type { AppContext } from '../../context.ts';
import type { StoreSpec } from '../../domain/erasure-datamap.ts';
import type { ItemStep, ReachPath, SqlStep } from '../../domain/erasure-plan.ts';
import type { RetentionSummary } from '../../domain/erasure-retention.ts';
import type { Needle, ScanQueryInput } from '../../domain/erasure-scan.ts';
import type { ParamValues } from '../params.ts';
import type { SubjectRowsQuery } from '../../domain/erasure-sql.ts';
import type { DescribedTable } from '../../domain/datamap-draft.ts';
import type { DescribedItems } from '../../domain/datamap-draft-items.ts';
import { mysqlConnector } from './mysql.ts';
import { redisConnector } from './redis.ts';
import { fileStoreConnector } from './object-store.ts';

/**
 * What every store connector does for one store of the data map, whatever the store is:
 * plan (count the subject's rows), execute a step idempotently (a step run twice after a crash
 * ends in the same state and reports the same rows), sample values and scan for the verification,
 * reclaim space, and read the subject's rows for the data export. `erasure.stores.NAME.url`'s scheme picks the connector:
 *
 * - `postgres:` — `../store-connection.ts` (also Adieu's own database); the original SQL connector.
 * - `mysql:` / `mariadb:` — `./mysql.ts`.
 *
 * Stores of items found by pattern rather than rows of tables implement `ItemStoreConnector`:
 * - `redis:` / `rediss:` — `./redis.ts` (key patterns);
 * - `file:` — `./object-store.ts` over `./file-objects.ts` (path templates). An S3-compatible
 *   object store (`s3:`) is one more `ObjectStore` (list, read, remove, markers) for the same
 *   connector; it is not built (see datamap/README.md).
 */
export interface StepOutcome {
  rows: number;
  retention?: RetentionSummary;
}

/**
 * The data export's read: the subject's rows of one table, these columns only, handed over in
 * batches as a server-side cursor (PostgreSQL) or a streamed result (MySQL) yields them, so memory
 * holds a batch or two whatever the buyer's size (the next may be fetched while `onBatch` runs; it is
 * handed over once `onBatch` resolves). Times may come as Dates or as ISO 8601 UTC text.
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

/** What the verification scan of an item store found: per entry, in how many items each needle occurs. */
export interface ItemScan {
  items: number;
  hits: Array<{ entry: string; needle: number; items: number }>;
}

/** One line of `adieu doctor` about a store: reachable, and allowed to do what its steps do. */
export interface StoreProbe {
  ok: boolean;
  detail: string;
}

/**
 * A store whose data is items found by pattern (Redis keys, files, objects), with the same duties
 * as a table store: plan, execute idempotently with the store's own marker, sample, scan, and the
 * structure for `datamap check` / `discover`. `values` resolve the templates' identities.
 */
export interface ItemStoreConnector {
  readonly scheme: string;
  /** How many of the subject's items (keys, fields, members, entries, files) the step would remove. */
  plan(step: ItemStep, values: ParamValues): Promise<number>;
  /** Removes them; resumable: the store's marker counts what each batch removed, and that the step ended. */
  execute(step: ItemStep, values: ParamValues, marker: { runId: string; seq: number }): Promise<StepOutcome>;
  /** Up to `limit` text values of the subject's items, for the verification scan's needles. */
  sample(step: ItemStep, values: ParamValues, limit: number): Promise<string[]>;
  /**
   * Reads every item the store's entries match (the subject's, or everyone's with `everything`)
   * and counts the needles in them. With `excludeSubject`, what the erasure removes is left out.
   */
  scan(store: StoreSpec, needles: Needle[], values: ParamValues, options: { scope: 'subject' | 'everything'; excludeSubject?: boolean }): Promise<ItemScan>;
  /** Shapes of items (key shapes, path shapes) that no entry of the store matches, for `datamap check`. */
  unmapped(store: StoreSpec): Promise<string[]>;
  /** A bounded sample of the store's structure, values kept in memory only, for `datamap discover`. */
  describe(options: { sample: number; match?: string }, progress?: (done: number, total: number) => void): Promise<DescribedItems>;
  /** Reachable, and allowed to read and remove (doctor). Never throws. */
  probe(): Promise<StoreProbe>;
}

const SCHEMES: Record<string, (ctx: AppContext, store: StoreSpec, url: string) => StoreConnector> = {
  'mysql:': mysqlConnector,
  'mariadb:': mysqlConnector,
};

const ITEM_SCHEMES: Record<string, (store: StoreSpec, url: string) => ItemStoreConnector> = {
  'redis:': redisConnector,
  'rediss:': redisConnector,
  'file:': fileStoreConnector,
};

/** Schemes named for connectors that are not built yet, with what to do instead. */
export const UNBUILT_SCHEMES: Record<string, string> = {
  's3:': 'S3-compatible object stores are not built yet: implement ObjectStore (src/erasure/connectors/object-store.ts) for them, or mount the bucket and use file://',
};

/** The item connector of a Redis or file store, or null for table stores. */
export function itemConnector(ctx: AppContext, store: StoreSpec): ItemStoreConnector | null {
  if (store.database === 'adieu') return null;
  const url = ctx.config.erasure.stores[store.database.config]?.url;
  if (!url) return null;
  return itemConnectorFor(store, url);
}

/** The item connector for a URL (no running Adieu needed: `adieu doctor`). */
export function itemConnectorFor(store: StoreSpec, url: string): ItemStoreConnector | null {
  const make = ITEM_SCHEMES[new URL(url).protocol];
  return make ? make(store, url) : null;
}

/** Which kind of store a URL names: rows of tables, or items found by pattern. */
export function storeKindOf(url: string): 'tables' | 'keys' | 'files' | null {
  const scheme = new URL(url).protocol;
  if (scheme === 'redis:' || scheme === 'rediss:') return 'keys';
  if (scheme === 'file:') return 'files';
  if (scheme === 'postgres:' || scheme === 'postgresql:' || scheme in SCHEMES) return 'tables';
  return null;
}

/** The connector of a store that is not PostgreSQL, or null (PostgreSQL and Adieu's own database). */
export function storeConnector(ctx: AppContext, store: StoreSpec): StoreConnector | null {
  if (store.database === 'adieu') return null;
  const url = ctx.config.erasure.stores[store.database.config]?.url;
  if (!url) return null;
  const make = SCHEMES[new URL(url).protocol];
  return make ? make(ctx, store, url) : null;
}
