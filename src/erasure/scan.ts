import type { AppContext } from '../context.ts';
import type { DataMap } from '../domain/erasure-datamap.ts';
import { reachPath, survivingColumns } from '../domain/erasure-plan.ts';
import { buildFingerprintSql, buildProbeSql, buildScanSql, type Needle, type ScanQueryInput } from '../domain/erasure-scan.ts';
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

/** The rows a scan read of one table: how many, and the sum of their row versions' marks. */
export interface TableFingerprint {
  store: string;
  table: string;
  rows: number;
  hash: string;
}

export interface DatabaseScan {
  tables: number;
  columns: number;
  hits: TableHit[];
  /** Tables whose every scannable column was read (what the verification reads), by fingerprint. */
  fingerprints: TableFingerprint[];
  /** Tables whose result was carried forward instead of read again. */
  carried: number;
}

/**
 * The tables `prepare` read whole and found none of the verification's needles in, with their
 * fingerprints then: a table whose fingerprint is unchanged at verification holds the same row
 * versions, so nothing to find again; any other table is read again.
 */
export interface CarriedScan {
  fingerprints: TableFingerprint[];
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
  options: { scope: ScanScope; excludeSubject?: boolean; carried?: CarriedScan; foundOnce?: number },
): Promise<DatabaseScan> {
  const report: DatabaseScan = { tables: 0, columns: 0, hits: [], fingerprints: [], carried: 0 };
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
    // Job tables change all the time: never fingerprinted, always read.
    const targets: Array<ScanQueryInput & { fingerprint?: boolean }> = [];
    for (const [table, spec] of Object.entries(store.tables)) {
      const scannable = (columns: string[]) => columns.filter((c) => !skip.get(table)?.has(c)).sort();
      const path = spec.reach ? reachPath(map, table) : null;
      const only = path && options.scope === 'subject' ? path : undefined;
      const subjectView = path && options.excludeSubject ? { path, surviving: scannable(survivingColumns(spec)) } : undefined;
      // Only the subject's rows, and none of their columns outlives the erasure: nothing to learn.
      if (only && subjectView && subjectView.surviving.length === 0) continue;
      const columns = scannable(Object.keys(spec.columns));
      // Read as the verification reads it (every scannable column of every row it reads): fingerprinted.
      const whole = !subjectView || subjectView.surviving.join() === columns.join();
      targets.push({ table, columns, only, subject: subjectView, fingerprint: whole });
    }
    if (connection?.builtin && !jobTablesScanned) {
      jobTablesScanned = true;
      targets.push(...(await jobScanTargets(connection.query)));
    }
    for (const target of targets) {
      active = needles.map((_, i) => i).filter((i) => !settled.has(i));
      if (active.length === 0) break;
      const values = { ...subject, now, needles: active.map((i) => needles[i]) };
      if (connector) {
        report.tables += 1;
        report.columns += target.columns.length;
        for (const found of await connector.scan(target, values.needles, values)) hit(store.store, target.table, found.needle, found.rows);
        continue;
      }
      report.tables += 1;
      report.columns += target.columns.length;
      const before = target.fingerprint ? options.carried?.fingerprints.find((f) => f.store === store.store && f.table === target.table) : undefined;
      if (before) {
        const built = buildFingerprintSql(target);
        const [current] = await connection!.query(built.text, resolveParams(built.params, values));
        if (Number(current.n) === before.rows && String(current.h) === before.hash) {
          report.carried += 1;
          continue;
        }
      }
      const probe = await probeTable(connection!, target, values);
      if (target.fingerprint && probe) report.fingerprints.push({ store: store.store, table: target.table, rows: probe.rows, hash: probe.hash });
      if (probe && probe.found.length === 0) continue;
      if (probe && options.excludeSubject) {
        for (const needle of probe.found) hit(store.store, target.table, needle, 0);
        continue;
      }
      // Something matched (or the first pass could not run): which needles, in how many rows.
      const built = buildScanSql(target);
      const rows = await connection!.query(built.text, resolveParams(built.params, values));
      for (const row of rows) hit(store.store, target.table, Number(row.i) - 1, Number(row.rows));
    }
  }
  return report;
}

/**
 * The first pass over a table: the rows' fingerprint and which needles (by position) they hold.
 * Null when the database refuses the regular expression of the needles (too complex), or when a
 * match named no needle: the table is then read needle by needle.
 */
async function probeTable(connection: StoreConnection, target: ScanQueryInput, values: ParamValues): Promise<{ rows: number; hash: string; found: number[] } | null> {
  const built = buildProbeSql(target);
  try {
    const rows = await connection.query(built.text, resolveParams(built.params, values));
    if (rows.some((row) => row.stuck === true)) return null;
    // The fingerprint is the one row without a needle.
    const first = rows.find((row) => row.i === null)!;
    return { rows: Number(first.n), hash: String(first.h), found: rows.filter((row) => row.i !== null).map((row) => Number(row.i) - 1) };
  } catch (error) {
    // invalid or too complex a regular expression, or a program limit
    if (['2201B', '54000', '54001'].includes(String((error as { code?: string }).code))) return null;
    throw error;
  }
}
