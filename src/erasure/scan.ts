import type { AppContext } from '../context.ts';
import type { DataMap } from '../domain/erasure-datamap.ts';
import { reachPath, survivingColumns } from '../domain/erasure-plan.ts';
import { buildProbeSql, buildScanSql, type Needle, type ScanQueryInput } from '../domain/erasure-scan.ts';
import { connectStore, type StoreConnection } from './store-connection.ts';
import { jobScanTargets } from './job-scan.ts';
import { resolveParams, type ParamValues } from './params.ts';
import { storeConnector } from './connectors/connector.ts';

export interface TableHit {
  store: string;
  table: string;
  needle: number;
  /** In how many rows (not counted, 0, with `excludeSubject`: only which needles matter there). */
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
 * tables, for the needles. In the subject's own rows, weak needles count only in the columns the
 * erasure changes (see `ScanQueryInput.weak`). With `excludeSubject` (the start of a run: which
 * candidate values does anyone else's data hold?), the subject's own rows are left out.
 */
export async function scanDatabases(
  ctx: AppContext,
  map: DataMap,
  needles: Needle[],
  subject: Omit<ParamValues, 'now' | 'needles' | 'hmac'>,
  options: { scope: ScanScope; excludeSubject?: boolean; foundOnce?: number },
): Promise<DatabaseScan> {
  const report: DatabaseScan = { tables: 0, columns: 0, hits: [] };
  if (needles.length === 0) return report;
  const now = ctx.clock.now();
  // The needles before `foundOnce` matter only until a table holds them (prepare's candidates: one
  // such hit leaves the value out), so the tables after do not look for them again.
  const settled = new Set<number>();
  let active: number[] = [];
  const hit = (store: string, table: string, needle: number, rows: number) => {
    report.hits.push({ store, table, needle: active[needle], rows });
    if (active[needle] < (options.foundOnce ?? 0)) settled.add(active[needle]);
  };
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
      const columns = scannable(Object.keys(spec.columns));
      if (options.excludeSubject) {
        // Only the subject's rows would be read, and they are left out: nothing to learn.
        if (!only) targets.push({ table, columns, exceptSubject: path ?? undefined });
        continue;
      }
      const surviving = new Set(survivingColumns(spec));
      targets.push({ table, columns, only, weak: path ? { path, columns: columns.filter((c) => !surviving.has(c)) } : undefined });
    }
    if (connection?.builtin && !jobTablesScanned) {
      jobTablesScanned = true;
      targets.push(...(await jobScanTargets(connection.query)));
    }
    for (const target of targets) {
      active = needles.map((_, i) => i).filter((i) => !settled.has(i));
      if (active.length === 0) break;
      const values = { ...subject, now, needles: active.map((i) => needles[i]) };
      report.tables += 1;
      report.columns += target.columns.length;
      if (connector) {
        for (const found of await connector.scan(target, values.needles, values)) hit(store.store, target.table, found.needle, found.rows);
        continue;
      }
      // Candidates at the start of a run are often common values: the first pass names them without
      // counting every row that holds one.
      const probe = options.excludeSubject ? await probeTable(connection!, target, values) : null;
      if (probe) {
        for (const needle of probe) hit(store.store, target.table, needle, 0);
        continue;
      }
      const built = buildScanSql(target);
      const rows = await connection!.query(built.text, resolveParams(built.params, values));
      for (const row of rows) hit(store.store, target.table, Number(row.i) - 1, Number(row.rows));
    }
  }
  return report;
}

/**
 * Which needles (by position) a table's rows hold, by the first pass. Null when the database
 * refuses the regular expression of the needles (too complex), or when a match named no needle:
 * the table is then read by the scan's one query.
 */
async function probeTable(connection: StoreConnection, target: ScanQueryInput, values: ParamValues): Promise<number[] | null> {
  const built = buildProbeSql(target);
  try {
    const rows = await connection.query(built.text, resolveParams(built.params, values));
    if (rows.some((row) => row.stuck === true)) return null;
    return rows.map((row) => Number(row.i) - 1);
  } catch (error) {
    // invalid or too complex a regular expression, or a program limit
    if (['2201B', '54000', '54001'].includes(String((error as { code?: string }).code))) return null;
    throw error;
  }
}
