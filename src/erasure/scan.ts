import type { AppContext } from '../context.ts';
import type { DataMap } from '../domain/erasure-datamap.ts';
import { reachPath, survivingColumns } from '../domain/erasure-plan.ts';
import { buildScanSql, type Needle, type ScanQueryInput } from '../domain/erasure-scan.ts';
import { connectStore, type StoreConnection } from './store-connection.ts';
import { jobScanTargets } from './job-scan.ts';
import { resolveParams, type ParamValues } from './params.ts';
import { storeConnector } from './connectors/connector.ts';

export interface TableHit {
  store: string;
  table: string;
  needle: number;
  rows: number;
}

export interface DatabaseScan {
  tables: number;
  columns: number;
  hits: TableHit[];
}

/**
 * Types that cannot hold an identifier or a sampled text value (those are strings, or a phone's
 * digits in a number): left out of the scan, which saves rendering every timestamp as text. bytea
 * renders as hex, in which no needle can match (documents' ciphertext: residue is checked by name).
 */
const UNSCANNABLE_TYPES = new Set(['timestamp with time zone', 'timestamp without time zone', 'date', 'time with time zone', 'time without time zone', 'interval', 'boolean', 'bytea']);

/** The columns of each table of a store whose type cannot hold a needle, by `schema.table`. */
async function unscannableColumns(query: StoreConnection['query'], tables: string[]): Promise<Map<string, Set<string>>> {
  const rows = await query(
    `SELECT table_schema || '.' || table_name AS t, column_name AS c, data_type AS type FROM information_schema.columns WHERE table_schema || '.' || table_name = ANY($1::text[])`,
    [tables],
  );
  const skip = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!UNSCANNABLE_TYPES.has(String(row.type))) continue;
    const table = String(row.t);
    if (!skip.has(table)) skip.set(table, new Set());
    skip.get(table)!.add(String(row.c));
  }
  return skip;
}

/**
 * Which rows of a table tied to subjects are scanned: only the subject's own (`subject`, found
 * through the same indexed path the erasure used, so the cost follows the subject's data, not the
 * platform's), or every row (`everything`: proof against copies in other people's rows, at the
 * cost of reading every mapped table once per erasure). Tables tied to no subject (settings such
 * as the guidance templates) and the data directory's files are read whole in both scopes; of
 * the job tables, the rows of the queues that may carry free text (job-scan.ts).
 */
export type ScanScope = 'subject' | 'everything';

/**
 * Scans every column of the mapped tables of every store (rows as `scope` says), plus the job
 * tables, for the needles. With `excludeSubject`, the subject's own rows count only with the
 * columns that will survive the erasure (to find values that others share, or that stay
 * legitimately).
 */
export async function scanDatabases(
  ctx: AppContext,
  map: DataMap,
  needles: Needle[],
  subject: Omit<ParamValues, 'now' | 'needles' | 'hmac'>,
  options: { scope: ScanScope; excludeSubject?: boolean },
): Promise<DatabaseScan> {
  const report: DatabaseScan = { tables: 0, columns: 0, hits: [] };
  if (needles.length === 0) return report;
  const values = { ...subject, now: ctx.clock.now(), needles };
  let jobTablesScanned = false;
  for (const store of map.stores) {
    // Stores of keys and files are scanned by their connectors (item-scan.ts).
    if (Object.keys(store.tables).length === 0) continue;
    const connector = storeConnector(ctx, store);
    const connection = connector ? null : connectStore(ctx, store);
    const skip = connector ? await connector.unscannable(Object.keys(store.tables)) : await unscannableColumns(connection!.query, Object.keys(store.tables));
    const targets: ScanQueryInput[] = [];
    for (const [table, spec] of Object.entries(store.tables)) {
      const scannable = (columns: string[]) => columns.filter((c) => !skip.get(table)?.has(c)).sort();
      const path = spec.reach ? reachPath(map, table) : null;
      const only = path && options.scope === 'subject' ? path : undefined;
      const subjectView = path && options.excludeSubject ? { path, surviving: scannable(survivingColumns(spec)) } : undefined;
      // Only the subject's rows, and none of their columns outlives the erasure: nothing to learn.
      if (only && subjectView && subjectView.surviving.length === 0) continue;
      targets.push({ table, columns: scannable(Object.keys(spec.columns)), only, subject: subjectView });
    }
    if (connection?.builtin && !jobTablesScanned) {
      jobTablesScanned = true;
      targets.push(...(await jobScanTargets(connection.query)));
    }
    for (const target of targets) {
      if (connector) {
        report.tables += 1;
        report.columns += target.columns.length;
        for (const hit of await connector.scan(target, needles, values)) report.hits.push({ store: store.store, table: target.table, ...hit });
        continue;
      }
      const built = buildScanSql(target);
      const rows = await connection!.query(built.text, resolveParams(built.params, values));
      report.tables += 1;
      report.columns += target.columns.length;
      for (const row of rows) report.hits.push({ store: store.store, table: target.table, needle: Number(row.i) - 1, rows: Number(row.rows) });
    }
  }
  return report;
}
