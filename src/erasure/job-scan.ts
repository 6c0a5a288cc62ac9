import type { ScanQueryInput } from '../domain/erasure-scan.ts';
import { BOSS_SCHEMA } from '../jobs/job-queue.ts';
import { idsOnlyQueues } from '../jobs/queues.ts';
import type { StoreConnection } from './store-connection.ts';

const JOB_COLUMNS = ['name', 'data', 'output'];

/**
 * The rows of pg-boss's tables (waiting and archived jobs) that could hold a buyer's data: those
 * of the queues that are not ids only. An ids-only queue's payloads were checked against its
 * schema when they were sent, and its failed jobs keep only an error class or SQLSTATE
 * (src/jobs/queues.ts, job-queue.ts), so its rows hold no value a needle could match: scanning them
 * would prove nothing, and would cost as much as the backlog is long. The queues come from
 * pg-boss's own list, so a queue this code does not know of is scanned too. The job table is
 * partitioned by queue name, the archive's primary key begins with it: both are read by name.
 */
export async function jobScanTargets(query: StoreConnection['query']): Promise<ScanQueryInput[]> {
  const idsOnly = new Set(idsOnlyQueues());
  const rows = await query(`SELECT name FROM ${BOSS_SCHEMA}.queue ORDER BY name`);
  const freeText = rows.map((r) => String(r.name)).filter((name) => !idsOnly.has(name));
  if (freeText.length === 0) return [];
  const rowsWhere = `t.name IN (${freeText.map((name) => `'${name.replace(/'/g, "''")}'`).join(', ')})`;
  return [`${BOSS_SCHEMA}.job`, `${BOSS_SCHEMA}.archive`].map((table) => ({ table, columns: JOB_COLUMNS, rowsWhere }));
}
