import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AppContext } from '../../src/context.ts';
import { dataMap } from '../../src/erasure/datamap.ts';
import { planExport, type ExportTable } from '../../src/domain/export-datamap.ts';
import { buildReadSql } from '../../src/domain/erasure-sql.ts';
import { mysqlReadSql } from '../../src/domain/erasure-sql-mysql.ts';
import { resolveParams, type ParamValues } from '../../src/erasure/params.ts';
import { rawQuery } from '../../src/db/sql.ts';
import { openForSubject } from '../../src/keys/subject-seal.ts';
import mysql from 'mysql2/promise';

const normal = (value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  return value;
};

/** Every identity of the buyer a table may be reached by, as the test knows them (not read by export code). */
export type BuyerIdentities = Omit<ParamValues, 'now' | 'hmac' | 'needles'>;

/**
 * What the stores hold for the buyer, read here with plain queries (no cursor, no export code),
 * sealed columns opened with the buyer's key: one sorted list of JSON rows per table. Tables
 * reached by the platform's id or a contact find rows only when `buyer` names that identity.
 */
export async function storeRows(ctx: AppContext, buyer: BuyerIdentities, mysqlUrls: Record<string, string> = {}): Promise<Map<ExportTable, string[]>> {
  const out = new Map<ExportTable, string[]>();
  const { userId } = buyer;
  const values: ParamValues = { ...buyer, now: new Date() };
  for (const table of planExport(dataMap(ctx.config))) {
    const query = { table: table.table, columns: table.columns.map((c) => c.name), path: table.path, exclude: table.exclude };
    let rows: Array<Record<string, unknown>>;
    if (table.store.database === 'adieu') {
      const sql = buildReadSql(query);
      rows = (await rawQuery(ctx.db)(sql.text, resolveParams(sql.params, values))).rows;
    } else {
      const conn = await mysql.createConnection({ uri: mysqlUrls[table.store.database.config], timezone: 'Z' });
      const sql = mysqlReadSql(query);
      rows = (await conn.query(sql.text, resolveParams(sql.params, values)))[0] as Array<Record<string, unknown>>;
      await conn.end();
    }
    const texts: string[] = [];
    for (const row of rows) {
      const plain: Record<string, unknown> = {};
      for (const column of table.columns) {
        // A value sealed for another field does not open: the export leaves it empty too.
        plain[column.name] = column.decrypt ? await openForSubject(ctx.keys, userId, column.decrypt, row[column.name] as string | null).catch(() => null) : normal(row[column.name]);
      }
      texts.push(JSON.stringify(plain));
    }
    out.set(table, texts.sort());
  }
  return out;
}

/** Every file under the data folder except the key store and the database. */
export function dataFiles(dataDir: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      const rel = relative(dataDir, p);
      return statSync(p).isDirectory() ? (rel === 'keys' || rel === 'db' ? [] : walk(p)) : [p];
    });
  return walk(dataDir);
}

export const filesContaining = (dir: string, needles: string[]): string[] =>
  dataFiles(dir).flatMap((file) => {
    const text = readFileSync(file).toString('utf8');
    return needles.filter((n) => text.includes(n)).map((n) => `${n} in ${relative(dir, file)}`);
  });
