import type { AppContext } from '../context.ts';
import { dataMapCoverage, mappedSchemas, type LiveColumn } from '../domain/erasure-datamap-coverage.ts';
import type { StoreSpec, TableSpec } from '../domain/erasure-datamap.ts';
import { storeConnector } from './connectors/connector.ts';
import { draftDataMap, type DraftEntry } from '../domain/datamap-draft.ts';
import { dataMap } from './datamap.ts';
import { connectStore } from './store-connection.ts';

export interface StoreCoverage {
  /** `adieu`, or the `erasure.stores` name the map's stores point at. */
  database: string;
  stores: string[];
  unmapped: string[];
  stale: string[];
}

async function liveColumns(ctx: AppContext, store: StoreSpec, schemas: string[]): Promise<LiveColumn[]> {
  const connector = storeConnector(ctx, store);
  if (connector) return connector.catalog(schemas);
  const rows = await connectStore(ctx, store).query(
    `SELECT c.table_schema || '.' || c.table_name AS t, c.column_name AS c FROM information_schema.columns c
     JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
     WHERE c.table_schema = ANY($1::text[]) AND c.table_name <> 'adieu_erasure_markers' ORDER BY 1, 2`,
    [schemas],
  );
  return rows.map((r) => ({ table: String(r.t), column: String(r.c) }));
}

/**
 * `adieu datamap check`: for every database the data map names, the columns of the schemas it maps
 * that the map neither maps nor declares non-personal (and mapped columns that are gone). Stores
 * of one database are compared together, since each maps part of it.
 */
export async function checkDataMapCoverage(ctx: AppContext): Promise<StoreCoverage[]> {
  const groups = new Map<string, StoreSpec[]>();
  for (const store of dataMap(ctx.config).stores) {
    const key = store.database === 'adieu' ? 'adieu' : store.database.config;
    groups.set(key, [...(groups.get(key) ?? []), store]);
  }
  const report: StoreCoverage[] = [];
  for (const [database, stores] of groups) {
    const tables: Record<string, TableSpec> = Object.assign({}, ...stores.map((s) => s.tables));
    const live = await liveColumns(ctx, stores[0], mappedSchemas(tables));
    report.push({ database, stores: stores.map((s) => s.store), ...dataMapCoverage(tables, live) });
  }
  return report;
}

/** `adieu datamap discover --store NAME`: a draft data map file for a configured store (MySQL for now). */
export async function discoverStore(ctx: AppContext, name: string, progress?: (done: number, total: number) => void): Promise<{ yaml: string; entries: DraftEntry[] }> {
  if (!ctx.config.erasure.stores[name]?.url) throw new Error(`no store ${name} in erasure.stores`);
  const probe: StoreSpec = { store: name, database: { config: name }, vacuum: false, tables: {} };
  const connector = storeConnector(ctx, probe);
  if (!connector) throw new Error(`store ${name}: discover reads MySQL stores for now`);
  return draftDataMap(name, name, await connector.describe(SAMPLE_PER_COLUMN, progress));
}

/** Values sampled per column: enough to see a pattern, few enough to stay quick on any table. */
const SAMPLE_PER_COLUMN = 50;
