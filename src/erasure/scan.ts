import type { AppContext } from '../context.ts';
import type { DataMap } from '../domain/erasure-datamap.ts';
import { reachPath, survivingColumns } from '../domain/erasure-plan.ts';
import { buildScanSql, type Needle, type ScanQueryInput } from '../domain/erasure-scan.ts';
import { BOSS_SCHEMA } from '../jobs/job-queue.ts';
import { connectStore } from './store-connection.ts';
import { resolveParams } from './params.ts';

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

/** pg-boss's tables: job payloads carry ids only, and the scan proves it (archive included). */
const JOB_TABLES = [`${BOSS_SCHEMA}.job`, `${BOSS_SCHEMA}.archive`];
const JOB_COLUMNS = ['name', 'data', 'output'];

/**
 * Scans every column of every mapped table of every store, plus the job tables, for the needles.
 * With `excludeSubject`, the subject's own rows count only with the columns that will survive the
 * erasure (to find values that others share, or that stay legitimately).
 */
export async function scanDatabases(
  ctx: AppContext,
  map: DataMap,
  needles: Needle[],
  subject: { userId: string; subjectId: string },
  options: { excludeSubject?: boolean } = {},
): Promise<DatabaseScan> {
  const report: DatabaseScan = { tables: 0, columns: 0, hits: [] };
  if (needles.length === 0) return report;
  const values = { ...subject, now: ctx.clock.now(), needles };
  let jobTablesScanned = false;
  for (const store of map.stores) {
    const connection = connectStore(ctx, store);
    const targets: Array<{ table: string; columns: string[]; subject?: ScanQueryInput['subject'] }> = Object.entries(store.tables).map(([table, spec]) => {
      const path = options.excludeSubject && spec.reach ? reachPath(map, table) : null;
      return { table, columns: Object.keys(spec.columns).sort(), subject: path ? { path, surviving: survivingColumns(spec) } : undefined };
    });
    if (connection.builtin && !jobTablesScanned) {
      jobTablesScanned = true;
      for (const table of JOB_TABLES) targets.push({ table, columns: JOB_COLUMNS });
    }
    for (const target of targets) {
      const built = buildScanSql(target);
      const rows = await connection.query(built.text, resolveParams(built.params, values));
      report.tables += 1;
      report.columns += target.columns.length;
      for (const row of rows) report.hits.push({ store: store.store, table: target.table, needle: Number(row.i) - 1, rows: Number(row.rows) });
    }
  }
  return report;
}
