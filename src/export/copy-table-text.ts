import type pg from 'pg';
import type { Readable } from 'node:stream';
import { exportCopySql, UNSUPPORTED_VALUE_SQLSTATE, type ColumnType } from '../domain/export-copy-sql.ts';
import type { SubjectRowsQuery } from '../domain/erasure-sql.ts';
import { quoteTable } from '../domain/erasure-sql.ts';
import { resolveParams, type ParamValues } from '../erasure/params.ts';
import { lazyModule } from '../lazy-module.ts';

// Only an export on PostgreSQL streams a COPY: not loaded by every start.
const copyStreams = lazyModule<typeof import('pg-copy-streams')>('pg-copy-streams');

/** Where a table's texts go: each awaited, so memory holds a chunk or two. */
export interface TableTextSink {
  /** CSV records, after the header. */
  csv(chunk: Buffer): Promise<void>;
  /** The JSON array's body, after `[` and up to (not including) its closing `\n]\n`. */
  json(chunk: Buffer): Promise<void>;
}

const NEWLINE = 0x0a;

/** Whether a COPY failed on a value only the row-by-row path writes (see `exportCopySql`). */
export const isUnsupportedValue = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === UNSUPPORTED_VALUE_SQLSTATE;

async function columnTypes(client: pg.PoolClient, table: string): Promise<Map<string, ColumnType>> {
  const { rows } = await client.query<{ name: string; oid: number; typtype: string }>(
    `SELECT a.attname AS name, a.atttypid::int AS oid, ty.typtype::text AS typtype
     FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
    [quoteTable(table)],
  );
  return new Map(rows.map((r) => [r.name, { oid: r.oid, typtype: r.typtype }]));
}

/**
 * The JSON lines of COPY as the body of the export's array: `\n` before the first object, `,\n`
 * between two. A line's end is only known to be a separator once more follows, so the last
 * newline seen waits. Works on bytes (latin1 keeps them as they are): a newline byte is never part
 * of a UTF-8 sequence, and JSON text holds no raw newline. Returns the number of lines.
 */
export async function writeJsonLines(source: Readable, write: (chunk: Buffer) => Promise<void>): Promise<number> {
  let lines = 0;
  let started = false;
  let pending = false;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    if (chunk.length === 0) continue;
    let text = chunk.toString('latin1');
    const prefix = !started ? '\n' : pending ? ',\n' : '';
    started = true;
    pending = chunk[chunk.length - 1] === NEWLINE;
    if (pending) text = text.slice(0, -1);
    for (let at = chunk.indexOf(NEWLINE); at >= 0; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
    await write(Buffer.from(prefix + text.replaceAll('\n', ',\n'), 'latin1'));
  }
  return lines;
}

/**
 * The buyer's rows of one table of a PostgreSQL store, written by PostgreSQL as the export's CSV
 * records and JSON objects (`COPY … TO STDOUT`, streamed): no row is parsed here. Both COPYs run
 * in one read-only snapshot, so both files hold the same rows. Null when a column's type is not
 * one COPY writes as the row path does (nothing written then); a COPY stopped by a value it does
 * not write fails with `isUnsupportedValue`. Returns the number of rows.
 */
export async function copyTableText(pool: pg.Pool, query: SubjectRowsQuery, values: ParamValues, sink: TableTextSink): Promise<number | null> {
  const client = await pool.connect();
  let rows: number | null = null;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The statements carry their values as literals; shortest float text for int8 past 2^53.
    await client.query("SET LOCAL standard_conforming_strings = on; SET LOCAL extra_float_digits = 1; SET LOCAL TIME ZONE 'UTC'");
    const sql = exportCopySql(query, await columnTypes(client, query.table), (params) => resolveParams(params, values));
    if (sql) {
      const csv = client.query(copyStreams().to(sql.csv));
      for await (const chunk of csv as AsyncIterable<Buffer>) await sink.csv(chunk);
      rows = await writeJsonLines(client.query(copyStreams().to(sql.json)), sink.json);
      if (csv.rowCount !== rows) throw new Error('the CSV and JSON of a table differ in rows');
    }
    await client.query('COMMIT');
  } catch (error) {
    // A COPY left half read leaves the connection mid-stream: it goes, its transaction with it.
    client.release(true);
    throw error;
  }
  client.release();
  return rows;
}
