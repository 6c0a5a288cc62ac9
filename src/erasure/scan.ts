import type { AppContext } from '../context.ts';
import type { DataMap } from '../domain/erasure-datamap.ts';
import { reachPath, survivingColumns } from '../domain/erasure-plan.ts';
import { buildProbeSql, buildScanSql, type Needle, type ScanQueryInput } from '../domain/erasure-scan.ts';
import { buildAnyRowsSql } from '../domain/erasure-sql.ts';
import { connectStore, type StoreConnection } from './store-connection.ts';
import { jobScanTargets } from './job-scan.ts';
import { resolveParams, type ParamValues } from './params.ts';
import { storeConnector, type StoreConnector } from './connectors/connector.ts';
import { Slots } from '../concurrency/slots.ts';
import type { KeptRowsReading } from './kept-rows-readings.ts';

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
export const UNSCANNABLE_TYPES = new Set(['timestamp with time zone', 'timestamp without time zone', 'date', 'time with time zone', 'time without time zone', 'interval', 'boolean', 'bytea']);

/** Types whose values are numbers: `numbersHoldOnlyPhones` says which identifiers their text can hold. */
export const NUMBER_TYPES = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision']);

/** The type of each column of each table of a store (`format_type`), by `schema.table`. */
export async function columnTypes(query: StoreConnection['query'], tables: string[]): Promise<Map<string, Map<string, string>>> {
  // The catalog itself: information_schema's views cost more than the reading of a small table.
  const rows = await query(
    `SELECT ns.nspname || '.' || cl.relname AS t, a.attname AS c, format_type(a.atttypid, NULL) AS type FROM pg_attribute AS a ` +
      `JOIN pg_class AS cl ON cl.oid = a.attrelid JOIN pg_namespace AS ns ON ns.oid = cl.relnamespace ` +
      `WHERE ns.nspname || '.' || cl.relname = ANY($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped`,
    [tables],
  );
  const types = new Map<string, Map<string, string>>();
  for (const row of rows) {
    const table = String(row.t);
    if (!types.has(table)) types.set(table, new Map());
    types.get(table)!.set(String(row.c), String(row.type));
  }
  return types;
}

/** The columns of each table of a store whose type cannot hold a needle, by `schema.table`. */
export async function unscannableColumns(query: StoreConnection['query'], tables: string[]): Promise<Map<string, Set<string>>> {
  const skip = new Map<string, Set<string>>();
  for (const [table, columns] of await columnTypes(query, tables)) {
    skip.set(table, new Set([...columns].filter(([, type]) => UNSCANNABLE_TYPES.has(type)).map(([column]) => column)));
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
 * erasure changes (see `ScanQueryInput.weak`). A table's entry in `readings` (no suspect row)
 * stands for the subject's rows of it: only the other rows (scope `everything`) are read here. With
 * `excludeSubject` (the start of a run: which candidate values does anyone else's data hold?), the
 * subject's own rows are left out, and a needle is looked for only until one table holds it (that
 * one hit is the answer).
 */
export async function scanDatabases(
  ctx: AppContext,
  map: DataMap,
  needles: Needle[],
  subject: Omit<ParamValues, 'now' | 'needles' | 'hmac'>,
  options: { scope: ScanScope; excludeSubject?: boolean; readings?: Map<string, KeptRowsReading> },
): Promise<DatabaseScan> {
  const report: DatabaseScan = { tables: 0, columns: 0, hits: [] };
  if (needles.length === 0) return report;
  const now = ctx.clock.now();
  // At the start of a run a needle found once is settled, so the tables after do not look for it
  // again: those tables are read one after another. The verification's tables are independent: two
  // at a time, in the pool's connections (the embedded database runs them in turn).
  const settled = new Set<number>();
  const slots = new Slots(options.excludeSubject ? 1 : 2);
  let jobTablesScanned = false;
  for (const store of map.stores) {
    // Stores of keys and files are scanned by their connectors (item-scan.ts).
    if (Object.keys(store.tables).length === 0) continue;
    const connector = storeConnector(ctx, store);
    const connection = connector ? null : connectStore(ctx, store);
    const skip = connector ? await connector.unscannable(Object.keys(store.tables)) : await unscannableColumns(connection!.query, Object.keys(store.tables));
    const targets: ScanQueryInput[] = [];
    const emptied = new Set<string>();
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
      const reading = path ? options.readings?.get(`${store.store}:${table}`) : undefined;
      if (reading && path) {
        // The subject's rows were read by their own step, right before, and none may hold an identifier (kept-rows-readings.ts).
        if (only) {
          report.tables += 1;
          report.columns += reading.columns;
        } else targets.push({ table, columns, exceptSubject: path });
        continue;
      }
      const surviving = new Set(survivingColumns(spec));
      if (only && spec.rows === 'delete') emptied.add(table);
      targets.push({ table, columns, only, weak: path ? { path, columns: columns.filter((c) => !surviving.has(c)) } : undefined });
    }
    // The tables whose subject rows the erasure deleted: one statement says which still hold any,
    // and an empty one has nothing to read (a lookup by index costs a fraction of planning its scan).
    const empty = connection ? await emptiedAndEmpty(connection, targets.filter((t) => emptied.has(t.table) && t.only), { ...subject, now }) : new Set<string>();
    if (connection?.builtin && !jobTablesScanned) {
      jobTablesScanned = true;
      targets.push(...(await jobScanTargets(connection.query)));
    }
    const found = await Promise.all(
      targets.map((target) =>
        slots.run(async (): Promise<TableHit[]> => {
          const active = needles.map((_, i) => i).filter((i) => !settled.has(i));
          if (active.length === 0) return [];
          const values = { ...subject, now, needles: active.map((i) => needles[i]) };
          report.tables += 1;
          report.columns += target.columns.length;
          if (empty.has(target.table)) return [];
          const on = connector ? { connector } : { connection: connection! };
          const hits = (await scanTarget(on, target, values, !!options.excludeSubject)).map((h) => ({
            store: store.store,
            table: target.table,
            needle: active[h.needle],
            rows: h.rows,
          }));
          if (options.excludeSubject) for (const h of hits) settled.add(h.needle);
          return hits;
        }),
      ),
    );
    report.hits.push(...found.flat());
  }
  return report;
}

/** Which of `values.needles` (by position) one table holds, in how many rows (0: not counted). */
async function scanTarget(
  on: { connector: StoreConnector } | { connection: StoreConnection },
  target: ScanQueryInput,
  values: ParamValues,
  startOfRun: boolean,
): Promise<Array<{ needle: number; rows: number }>> {
  if ('connector' in on) return on.connector.scan(target, values.needles ?? [], values);
  // Candidates at the start of a run are often common values: the first pass names them without
  // counting every row that holds one.
  const probe = startOfRun ? await probeTable(on.connection, target, values) : null;
  if (probe) return probe.map((needle) => ({ needle, rows: 0 }));
  const built = buildScanSql(target);
  const rows = await on.connection.query(built.text, resolveParams(built.params, values));
  return rows.map((row) => ({ needle: Number(row.i) - 1, rows: Number(row.rows) }));
}

/** Which of `targets` (the subject's rows only) hold none of the subject's rows now. */
async function emptiedAndEmpty(connection: StoreConnection, targets: ScanQueryInput[], values: ParamValues): Promise<Set<string>> {
  if (targets.length === 0) return new Set();
  const built = buildAnyRowsSql(targets.map((target) => ({ table: target.table, reach: target.only! })));
  const [row] = await connection.query(built.text, resolveParams(built.params, values));
  return new Set(targets.filter((_, k) => row?.[`e${k}`] === false).map((target) => target.table));
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
