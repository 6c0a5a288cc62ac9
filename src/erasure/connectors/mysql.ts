import { createRequire } from 'node:module';
import type mysql from 'mysql2/promise';
import type { Connection as CallbackConnection } from 'mysql2';
import type { AppContext } from '../../context.ts';
import type { StoreSpec } from '../../domain/erasure-datamap.ts';
import type { ReachPath, SqlStep } from '../../domain/erasure-plan.ts';
import { retentionSummary } from '../../domain/erasure-retention.ts';
import { likeContains, phonePattern, type Needle } from '../../domain/erasure-scan.ts';
import type { DescribedTable } from '../../domain/datamap-draft.ts';
import { mysqlIdent, mysqlCountSql, mysqlDeleteBatchSql, mysqlReadSql, mysqlSampleSql, mysqlScanSql, mysqlTable, mysqlUpdateSql, type MysqlSql } from '../../domain/erasure-sql-mysql.ts';
import { resolveParams, type ParamValues } from '../params.ts';
import { READ_BATCH, type StepOutcome, type StoreConnector, type TableScanTarget } from './connector.ts';

/**
 * The MySQL / MariaDB connector (`mysql://user:password@host:3306/database`, with mysql2's promise
 * API). Each step runs in transactions of the store, found by the reach path's indexed keys.
 * Deletes go in batches of `DELETE_BATCH` rows, one transaction each: every batch commits with the
 * marker row that counts it, so a crash between batches resumes where it stopped and the step
 * still reports every row it removed. Updates are one statement in one transaction, with the
 * marker. The marker table `adieu_erasure_markers` lives in the URL's database.
 */
export const DELETE_BATCH = 500;

/** A failure of the store, worded without the driver's message (which may quote a row's values). */
export class StoreError extends Error {
  override name = 'StoreError';
}

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'PROTOCOL_CONNECTION_LOST', 'EPIPE']);

function storeError(store: string, error: unknown): StoreError {
  const e = error as { code?: unknown; sqlState?: unknown; errno?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'unknown';
  if (NETWORK.has(code)) return new StoreError(`store ${store} (mysql) is unreachable (${code})`);
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') return new StoreError(`store ${store} (mysql) refused the credentials (${code})`);
  const state = typeof e.sqlState === 'string' ? `, SQLSTATE ${e.sqlState}` : '';
  return new StoreError(`store ${store} (mysql) failed: ${code}${state}`);
}

const pools = new Map<string, mysql.Pool>();

const requireModule = createRequire(import.meta.url);
/** mysql2 loads with the first MySQL store a run touches, not with every server's start. */
const mysqlDriver = () => requireModule('mysql2/promise') as typeof mysql;

function poolFor(url: string): mysql.Pool {
  let pool = pools.get(url);
  if (!pool) {
    const u = new URL(url);
    u.protocol = 'mysql:';
    pool = mysqlDriver().createPool({ uri: u.toString(), connectionLimit: 3, connectTimeout: 5_000, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: false });
    pools.set(url, pool);
  }
  return pool;
}

/** Closes the pools (tests, shutdown). */
export async function closeMysqlPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end().catch(() => undefined)));
}

type Conn = mysql.Pool | mysql.PoolConnection;
type Row = Record<string, unknown>;

/** mysql2 wants Dates for DATETIME columns; `now` is the step's time. */
function valuesOf(sql: MysqlSql, values: ParamValues): unknown[] {
  return resolveParams(sql.params, values).map((v, i) => (sql.params[i].ref === 'now' ? values.now : v));
}

async function rows(conn: Conn, text: string, params: unknown[]): Promise<Row[]> {
  const [result] = await conn.query(text, params);
  return result as Row[];
}

const MARKERS = `CREATE TABLE IF NOT EXISTS adieu_erasure_markers (
  run_id varchar(64) NOT NULL, seq int NOT NULL, touched bigint NOT NULL, done tinyint NOT NULL,
  result json NULL, done_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (run_id, seq)) ENGINE=InnoDB`;
const markersReady = new Set<string>();

const UNSCANNABLE = new Set(['date', 'datetime', 'timestamp', 'time', 'year']);
const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext']);

export function mysqlConnector(_ctx: AppContext, store: StoreSpec, url: string): StoreConnector {
  const pool = poolFor(url);
  const name = store.store;

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw storeError(name, error);
    }
  }

  async function inTransaction<T>(fn: (conn: mysql.PoolConnection) => Promise<T>): Promise<T> {
    const conn = await pool.getConnection();
    try {
      await conn.beginTransaction();
      const result = await fn(conn);
      await conn.commit();
      return result;
    } catch (error) {
      await conn.rollback().catch(() => undefined);
      throw error;
    } finally {
      conn.release();
    }
  }

  async function ensureMarkers(): Promise<void> {
    if (markersReady.has(url)) return;
    await pool.query(MARKERS);
    markersReady.add(url);
  }

  /** One transaction of the step: returns the outcome when the step is done, null when more batches remain. */
  async function round(spec: SqlStep, values: ParamValues, marker: { runId: string; seq: number }): Promise<StepOutcome | null> {
    return inTransaction(async (conn) => {
      const [prior] = await rows(conn, 'SELECT touched, done, result FROM adieu_erasure_markers WHERE run_id = ? AND seq = ? FOR UPDATE', [marker.runId, marker.seq]);
      const before = Number(prior?.touched ?? 0);
      if (prior && Number(prior.done) === 1) {
        const result = (typeof prior.result === 'string' ? JSON.parse(prior.result) : prior.result) as { retention?: StepOutcome['retention'] } | null;
        return { rows: before, retention: result?.retention ?? undefined };
      }
      let outcome: StepOutcome;
      let done = true;
      if (spec.rows === 'delete') {
        const sql = mysqlDeleteBatchSql(spec, DELETE_BATCH);
        const [result] = await conn.query(sql.text, valuesOf(sql, values));
        const affected = (result as mysql.ResultSetHeader).affectedRows;
        done = affected < DELETE_BATCH;
        outcome = { rows: before + affected };
      } else {
        const count = mysqlCountSql(spec, true);
        const [row] = await rows(conn, count.text, valuesOf(count, values));
        const n = Number(row?.n ?? 0);
        const update = mysqlUpdateSql(spec);
        if (update && n > 0) await conn.query(update.text, valuesOf(update, values));
        outcome = { rows: n };
        if (spec.retain && n > 0 && row?.earliest && row?.latest) {
          outcome.retention = retentionSummary(n, new Date(row.earliest as string), new Date(row.latest as string), spec.retain.legalBasis, spec.retain.period);
        }
      }
      await conn.query(
        'INSERT INTO adieu_erasure_markers (run_id, seq, touched, done, result) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE touched = VALUES(touched), done = VALUES(done), result = VALUES(result)',
        [marker.runId, marker.seq, outcome.rows, done ? 1 : 0, JSON.stringify({ retention: outcome.retention ?? null })],
      );
      return done ? outcome : null;
    });
  }

  return {
    scheme: 'mysql',
    plan: (spec, values) =>
      guarded(async () => {
        const sql = mysqlCountSql(spec, false);
        const [row] = await rows(pool, sql.text, valuesOf(sql, values));
        return Number(row?.n ?? 0);
      }),
    execute: (spec, values, marker) =>
      guarded(async () => {
        await ensureMarkers();
        for (;;) {
          const outcome = await round(spec, values, marker);
          if (outcome) return outcome;
        }
      }),
    sample: (table: string, column: string, path: ReachPath, values: ParamValues, limit: number) =>
      guarded(async () => {
        const [schema, tableName] = table.split('.');
        const [type] = await rows(pool, 'SELECT data_type AS t FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name = ?', [schema, tableName, column]);
        if (!type || !TEXT_TYPES.has(String(type.t).toLowerCase())) return [];
        const sql = mysqlSampleSql(table, column, path, limit);
        return (await rows(pool, sql.text, valuesOf(sql, values))).map((r) => String(r.v));
      }),
    unscannable: (tables: string[]) =>
      guarded(async () => {
        const skip = new Map<string, Set<string>>();
        if (tables.length === 0) return skip;
        const found = await rows(
          pool,
          `SELECT CONCAT(table_schema, '.', table_name) AS t, column_name AS c, data_type AS type FROM information_schema.columns WHERE CONCAT(table_schema, '.', table_name) IN (?)`,
          [tables],
        );
        for (const row of found) {
          if (!UNSCANNABLE.has(String(row.type).toLowerCase())) continue;
          const table = String(row.t);
          if (!skip.has(table)) skip.set(table, new Set());
          skip.get(table)!.add(String(row.c));
        }
        return skip;
      }),
    scan: (target: TableScanTarget, needles: Needle[], values: ParamValues) =>
      guarded(async () => {
        if (needles.length === 0) return [];
        const sql = mysqlScanSql(
          target,
          needles.map((n) => ({ kind: n.kind === 'phone' ? 'regexp' : 'like', strong: n.strong })),
        );
        const needleValues = needles.map((n) => (n.kind === 'phone' ? phonePattern(n.value) : likeContains(n.value)));
        const [row] = await rows(pool, sql.text, [...needleValues, ...valuesOf(sql, values)]);
        return needles.map((_, i) => ({ needle: i, rows: Number(row?.[`h${i}`] ?? 0) })).filter((h) => h.rows > 0);
      }),
    catalog: (schemas: string[]) =>
      guarded(async () => {
        if (schemas.length === 0) return [];
        const found = await rows(
          pool,
          `SELECT CONCAT(c.table_schema, '.', c.table_name) AS t, c.column_name AS c FROM information_schema.columns c
           JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
           WHERE c.table_schema IN (?) AND c.table_name <> 'adieu_erasure_markers' ORDER BY 1, 2`,
          [schemas],
        );
        return found.map((r) => ({ table: String(r.t), column: String(r.c) }));
      }),
    describe: (sample: number, progress?: (done: number, total: number) => void) =>
      guarded(async () => {
        const schema = new URL(url).pathname.slice(1);
        const columns = await rows(
          pool,
          `SELECT c.table_name AS t, c.column_name AS c, c.column_key AS k FROM information_schema.columns c
           JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
           WHERE c.table_schema = ? AND c.table_name <> 'adieu_erasure_markers' ORDER BY c.table_name, c.ordinal_position`,
          [schema],
        );
        const fks = await rows(
          pool,
          `SELECT table_name AS t, column_name AS c, referenced_table_schema AS rs, referenced_table_name AS rt, referenced_column_name AS rc
           FROM information_schema.key_column_usage WHERE table_schema = ? AND referenced_table_name IS NOT NULL`,
          [schema],
        );
        const tables = new Map<string, DescribedTable>();
        for (const row of columns) {
          const name = `${schema}.${String(row.t)}`;
          if (!tables.has(name)) tables.set(name, { name, columns: [], primaryKey: [], foreignKeys: {} });
          const table = tables.get(name)!;
          table.columns.push({ name: String(row.c), samples: [] });
          if (row.k === 'PRI') table.primaryKey.push(String(row.c));
        }
        for (const fk of fks) tables.get(`${schema}.${String(fk.t)}`)!.foreignKeys[String(fk.c)] = `${String(fk.rs)}.${String(fk.rt)}.${String(fk.rc)}`;
        let done = 0;
        const total = [...tables.values()].reduce((n, t) => n + t.columns.length, 0);
        for (const table of tables.values()) {
          for (const column of table.columns) {
            const col = mysqlIdent(column.name);
            const found = await rows(pool, `SELECT CAST(${col} AS CHAR) AS v FROM ${mysqlTable(table.name)} WHERE ${col} IS NOT NULL LIMIT ${Math.trunc(sample)}`, []);
            column.samples = found.map((r) => String(r.v));
            progress?.(++done, total);
          }
        }
        return [...tables.values()];
      }),
    vacuum: (table: string) =>
      guarded(async () => {
        await pool.query(`OPTIMIZE TABLE ${mysqlTable(table)}`);
      }),
    read: (query, values, onBatch) =>
      guarded(async () => {
        const sql = mysqlReadSql(query);
        const conn = await pool.getConnection();
        try {
          // The callback connection's stream: the server sends rows as it reads them, and a paused
          // stream (while a batch is written) stops the socket, so memory holds one batch.
          const callback = (conn as unknown as { connection: CallbackConnection }).connection;
          const stream = callback.query(sql.text, valuesOf(sql, values)).stream({ highWaterMark: READ_BATCH });
          let batch: Row[] = [];
          let count = 0;
          for await (const row of stream as AsyncIterable<Row>) {
            batch.push(row);
            count += 1;
            if (batch.length >= READ_BATCH) {
              await onBatch(batch);
              batch = [];
            }
          }
          if (batch.length > 0) await onBatch(batch);
          return count;
        } finally {
          conn.release();
        }
      }),
  };
}
