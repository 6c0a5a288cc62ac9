import type { AppContext } from '../context.ts';
import { dataMapCoverage, mappedSchemas, type LiveColumn } from '../domain/erasure-datamap-coverage.ts';
import { dataMapWarnings, type StoreSpec, type TableSpec } from '../domain/erasure-datamap.ts';
import { itemConnector, storeConnector } from './connectors/connector.ts';
import { draftDataMap, type DescribedTable, type DraftEntry } from '../domain/datamap-draft.ts';
import { draftItemsMap, type ItemDraftEntry } from '../domain/datamap-draft-items.ts';
import { classifyColumn } from '../domain/personal-data-classifier.ts';
import { dataMap } from './datamap.ts';
import { connectStore, type StoreConnection } from './store-connection.ts';

export interface StoreCoverage {
  /** `adieu`, or the `erasure.stores` name the map's stores point at. */
  database: string;
  stores: string[];
  unmapped: string[];
  stale: string[];
  /** Not failures: tables reached by a contact detail (email, phone) instead of an id. */
  warnings: string[];
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
    if (stores.some((s) => s.keys || s.files)) {
      // Key and file stores: the shapes of items no entry of any of the map's stores on it matches.
      const merged: StoreSpec = { ...stores[0], keys: Object.assign({}, ...stores.map((s) => s.keys ?? {})), files: Object.assign({}, ...stores.map((s) => s.files ?? {})) };
      const connector = itemConnector(ctx, stores[0]);
      if (!connector) throw new Error(`store ${stores[0].store}: its URL names no key or file connector`);
      report.push({ database, stores: stores.map((s) => s.store), unmapped: await connector.unmapped(merged), stale: [], warnings: [] });
      continue;
    }
    const tables: Record<string, TableSpec> = Object.assign({}, ...stores.map((s) => s.tables));
    const live = await liveColumns(ctx, stores[0], mappedSchemas(tables));
    report.push({ database, stores: stores.map((s) => s.store), ...dataMapCoverage(tables, live), warnings: dataMapWarnings({ stores }) });
  }
  return report;
}

/**
 * `adieu datamap discover --store NAME`: a draft data map file for a configured store of any kind.
 * `match` narrows a Redis SCAN (`shop:*`) or a file walk (`avatars/**`) on a store shared with others.
 */
export async function discoverStore(
  ctx: AppContext,
  name: string,
  progress?: (done: number, total: number) => void,
  options: { match?: string } = {},
): Promise<{ yaml: string; entries: DraftEntry[]; items?: ItemDraftEntry[] }> {
  if (!ctx.config.erasure.stores[name]?.url) throw new Error(`no store ${name} in erasure.stores`);
  const probe: StoreSpec = { store: name, database: { config: name }, vacuum: false, tables: {} };
  const items = itemConnector(ctx, probe);
  if (items) {
    const described = await items.describe({ sample: SAMPLE_PER_COLUMN, match: options.match }, progress);
    // A file's lines mix labels and values: a smaller share of personal-looking lines suffices.
    const share = described.kind === 'files' ? 0.1 : 0.3;
    const draft = draftItemsMap(name, described, (label, samples) => classifyColumn(label, samples, share));
    return { yaml: draft.yaml, entries: [], items: draft.entries };
  }
  const connector = storeConnector(ctx, probe);
  const tables = connector ? await connector.describe(SAMPLE_PER_COLUMN, progress) : await describePostgres(connectStore(ctx, probe), SAMPLE_PER_COLUMN, progress);
  return draftDataMap(name, name, tables);
}

/** A PostgreSQL store's tables (every schema but the system's), keys, foreign keys and up to `sample` values per column, in memory only. */
async function describePostgres(connection: StoreConnection, sample: number, progress?: (done: number, total: number) => void): Promise<DescribedTable[]> {
  const columns = await connection.query(
    `SELECT c.table_schema || '.' || c.table_name AS t, c.column_name AS c FROM information_schema.columns c
     JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
     WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.table_schema NOT LIKE 'pg_toast%' AND c.table_name <> 'adieu_erasure_markers'
     ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
  );
  const keys = await connection.query(
    `SELECT n.nspname || '.' || cl.relname AS t, a.attname AS c, con.contype AS kind,
            fn.nspname || '.' || fcl.relname || '.' || fa.attname AS ref
     FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
     JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, i) ON true
     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
     LEFT JOIN pg_class fcl ON fcl.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fcl.relnamespace
     LEFT JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[k.i]
     WHERE con.contype IN ('p', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
  );
  const tables = new Map<string, DescribedTable>();
  for (const row of columns) {
    const name = String(row.t);
    if (!tables.has(name)) tables.set(name, { name, columns: [], primaryKey: [], foreignKeys: {} });
    tables.get(name)!.columns.push({ name: String(row.c), samples: [] });
  }
  for (const row of keys) {
    const table = tables.get(String(row.t));
    if (!table) continue;
    if (row.kind === 'p') table.primaryKey.push(String(row.c));
    else if (row.ref) table.foreignKeys[String(row.c)] = String(row.ref);
  }
  const total = [...tables.values()].reduce((n, t) => n + t.columns.length, 0);
  let done = 0;
  for (const table of tables.values()) {
    for (const column of table.columns) {
      const col = pgIdent(column.name);
      const found = await connection.query(`SELECT t.${col}::text AS v FROM ${table.name.split('.').map(pgIdent).join('.')} AS t WHERE t.${col} IS NOT NULL LIMIT ${Math.trunc(sample)}`);
      column.samples = found.map((r) => String(r.v));
      progress?.(++done, total);
    }
  }
  return [...tables.values()];
}

/** Any catalog name, quoted (the structure may use names the data map's own rules would refuse). */
const pgIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Values sampled per column: enough to see a pattern, few enough to stay quick on any table. */
const SAMPLE_PER_COLUMN = 50;
