import type { ReachPath, SetOperation, SqlStep } from './erasure-plan.ts';
import type { ParamRef, SubjectRowsQuery } from './erasure-sql.ts';
import type { ScanQueryInput } from './erasure-scan.ts';

/**
 * The MySQL / MariaDB dialect of the erasure statements: the same set-based steps as
 * `erasure-sql.ts`, written for a server without `RETURNING` in CTEs, `jsonb` or `$n`
 * placeholders. A data map's `schema.table` is the MySQL `database.table`. Deletes go in batches
 * (`LIMIT`) so a buyer with millions of rows never holds locks for long. Placeholders are `?`, one
 * parameter per occurrence. Pure: no I/O.
 */

export interface MysqlSql {
  text: string;
  params: ParamRef[];
}

export const mysqlIdent = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${name}`);
  return `\`${name}\``;
};

export const mysqlTable = (qualified: string): string => qualified.split('.').map(mysqlIdent).join('.');

/** `col IN (SELECT … WHERE identity = ?)`; `alias` null for statements that cannot alias (DELETE). */
export function mysqlReach(path: ReachPath, alias: string | null, params: ParamRef[]): string {
  const own = (column: string) => (alias ? `${alias}.${mysqlIdent(column)}` : mysqlIdent(column));
  if (path.hops.length === 0) {
    params.push({ ref: path.identity.kind });
    return `${own(path.identity.column)} = ?`;
  }
  // Innermost query first in the text, but its placeholder is the only one: order is safe.
  let inner = '?';
  let column = path.identity.column;
  for (let i = path.hops.length - 1; i >= 0; i--) {
    const hop = path.hops[i];
    const where = i === path.hops.length - 1 ? `${mysqlIdent(column)} = ${inner}` : `${mysqlIdent(column)} IN (${inner})`;
    inner = `SELECT ${mysqlIdent(hop.parentColumn)} FROM ${mysqlTable(hop.parentTable)} WHERE ${where}`;
    column = hop.column;
  }
  params.push({ ref: path.identity.kind });
  return `${own(path.hops[0].column)} IN (${inner})`;
}

function retainFrom(step: Pick<SqlStep, 'retain'>): string | null {
  if (!step.retain) return null;
  return `COALESCE(t.${mysqlIdent(step.retain.from)}${step.retain.fallbackFrom ? `, t.${mysqlIdent(step.retain.fallbackFrom)}` : ''})`;
}

/** How many of the subject's rows the table holds (and, for retained rows, the period's bounds), locked. */
export function mysqlCountSql(step: Pick<SqlStep, 'table' | 'reach' | 'retain'>, lock: boolean): MysqlSql {
  const params: ParamRef[] = [];
  const where = mysqlReach(step.reach, 't', params);
  const from = retainFrom(step);
  const bounds = from ? `, MIN(${from}) AS earliest, MAX(${from}) AS latest` : '';
  return { text: `SELECT COUNT(*) AS n${bounds} FROM ${mysqlTable(step.table)} AS t WHERE ${where}${lock ? ' FOR UPDATE' : ''}`, params };
}

/** One batch of a delete step: at most `batch` of the subject's rows. */
export function mysqlDeleteBatchSql(step: Pick<SqlStep, 'table' | 'reach'>, batch: number): MysqlSql {
  const params: ParamRef[] = [];
  const where = mysqlReach(step.reach, null, params);
  return { text: `DELETE FROM ${mysqlTable(step.table)} WHERE ${where} LIMIT ${Math.max(1, Math.trunc(batch))}`, params };
}

function mysqlSet(set: SetOperation, params: ParamRef[]): string {
  const column = `t.${mysqlIdent(set.column)}`;
  switch (set.op) {
    case 'null':
      return `${column} = NULL`;
    case 'const':
      params.push({ ref: 'const', value: set.value });
      return `${column} = ?`;
    case 'now':
      params.push({ ref: 'now' });
      return `${column} = ?`;
    case 'pseudonymise':
      // The same HMAC-SHA256 as PostgreSQL's: H((K⊕opad) ‖ H((K⊕ipad) ‖ m)), hex.
      params.push({ ref: 'hmac_outer' }, { ref: 'hmac_inner' });
      return `${column} = LOWER(SHA2(CONCAT(UNHEX(?), UNHEX(SHA2(CONCAT(UNHEX(?), CONVERT(${column} USING utf8mb4)), 256))), 256))`;
    case 'truncate':
      return `${column} = LEFT(${column}, ${Math.trunc(set.length)})`;
    case 'date_trunc':
      return `${column} = ${set.unit === 'day' ? `DATE(${column})` : `DATE_FORMAT(${column}, '${set.unit === 'year' ? '%Y-01-01' : '%Y-%m-01'}')`}`;
  }
}

/** An update step: the subject's rows anonymised in place, in one statement. */
export function mysqlUpdateSql(step: Pick<SqlStep, 'table' | 'reach' | 'sets'>): MysqlSql | null {
  if (step.sets.length === 0) return null;
  const params: ParamRef[] = [];
  const sets = step.sets.map((s) => mysqlSet(s, params)).join(', ');
  const where = mysqlReach(step.reach, 't', params);
  return { text: `UPDATE ${mysqlTable(step.table)} AS t SET ${sets} WHERE ${where}`, params };
}

/** Distinct text values of one column of the subject's rows, for the verification's needles. */
export function mysqlSampleSql(table: string, column: string, path: ReachPath, limit: number): MysqlSql {
  const params: ParamRef[] = [];
  const where = mysqlReach(path, 't', params);
  const col = `t.${mysqlIdent(column)}`;
  return { text: `SELECT DISTINCT CAST(${col} AS CHAR) AS v FROM ${mysqlTable(table)} AS t WHERE ${where} AND ${col} IS NOT NULL LIMIT ${Math.trunc(limit)}`, params };
}

function mysqlRowText(columns: string[]): string {
  if (columns.length === 0) return `''`;
  return `LOWER(CONCAT_WS(CHAR(1 USING utf8mb4), ${columns.map((c) => `CAST(t.${mysqlIdent(c)} AS CHAR)`).join(', ')}))`;
}

/**
 * One query per table: for each needle (LIKE pattern or phone regular expression), in how many rows
 * it occurs; in the subject's rows a weak needle counts only in `input.weak`'s columns (see
 * `ScanQueryInput`). The needles' values come FIRST (their placeholders open the text), then the
 * parameters returned here.
 */
export function mysqlScanSql(input: ScanQueryInput, needles: Array<{ kind: 'like' | 'regexp'; strong: boolean }>): MysqlSql {
  const params: ParamRef[] = [];
  const text = mysqlRowText(input.columns);
  let weakText = text;
  if (input.weak && input.weak.columns.join() !== input.columns.join()) {
    weakText = input.only ? mysqlRowText(input.weak.columns) : `CASE WHEN (${mysqlReach(input.weak.path, 't', params)}) IS TRUE THEN ${mysqlRowText(input.weak.columns)} ELSE ${text} END`;
  }
  const predicates: string[] = [];
  if (input.only) predicates.push(mysqlReach(input.only, 't', params));
  if (input.exceptSubject) predicates.push(`(${mysqlReach(input.exceptSubject, 't', params)}) IS NOT TRUE`);
  const where = predicates.length > 0 ? ` WHERE ${predicates.join(' AND ')}` : '';
  const sums = needles.map((n, i) => `COALESCE(SUM(x.${n.strong ? 'txt' : 'wtxt'} ${n.kind === 'like' ? 'LIKE' : 'REGEXP'} ?), 0) AS h${i}`).join(', ');
  return { text: `SELECT ${sums} FROM (SELECT ${text} AS txt, ${weakText} AS wtxt FROM ${mysqlTable(input.table)} AS t${where}) AS x`, params };
}

/** `SELECT` of the subject's rows for the data export (streamed by the server, row by row). */
export function mysqlReadSql(query: SubjectRowsQuery): MysqlSql {
  const params: ParamRef[] = [];
  const where = mysqlReach(query.path, 't', params);
  const columns = query.columns.map((c) => `t.${mysqlIdent(c)}`).join(', ');
  let exclude = '';
  if (query.exclude) {
    const column = `t.${mysqlIdent(query.exclude.column)}`;
    for (const value of query.exclude.values) params.push({ ref: 'const', value });
    exclude = ` AND (${column} IS NULL OR ${column} NOT IN (${query.exclude.values.map(() => '?').join(', ')}))`;
  }
  return { text: `SELECT ${columns} FROM ${mysqlTable(query.table)} AS t WHERE ${where}${exclude}`, params };
}
