import type { ReachPath, SetOperation, SqlStep } from './erasure-plan.ts';
import type { IdentityKind } from './erasure-datamap.ts';

/**
 * Turns a planned step into one set-based statement (no row loops): `UPDATE … WHERE buyer_id = $1`
 * or `DELETE … WHERE order_id IN (SELECT id FROM orders WHERE buyer_id = $1)`. The statement
 * returns how many rows it touched. Names come from the validated data map (lower-case
 * identifiers), values always travel as parameters. Pure: no I/O.
 */

/** What a parameter stands for; the executor supplies the values. */
export type ParamRef =
  /** The subject's identity of a reach path (user id, subject id, external id, email, phone). */
  | { ref: IdentityKind }
  | { ref: 'now' }
  /** HMAC-SHA256 key of the run, as the two padded halves `(K ⊕ opad)` and `(K ⊕ ipad)` in hex. */
  | { ref: 'hmac_outer' }
  | { ref: 'hmac_inner' }
  | { ref: 'const'; value: string | number | boolean | null }
  | { ref: 'period'; value: string }
  /** The verification scan's needles: `[[pattern, digitsOnly], …]` as JSON. */
  | { ref: 'needles_json' }
  /** The same needles for the scan's first pass: `[[regular expression, value, isPhone], …]` as JSON. */
  | { ref: 'needles_probe' }
  /** The identifiers' filter of a kept table's reading (`identifierFilters`): a text's LIKE pattern, a phone's, the phones' regular expression. */
  | { ref: 'identifier_pattern'; index: number }
  | { ref: 'phone_pattern'; index: number }
  | { ref: 'phone_regex' };

export interface BuiltSql {
  text: string;
  params: ParamRef[];
}

export const quoteIdent = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${name}`);
  return `"${name}"`;
};

export const quoteTable = (qualified: string): string => qualified.split('.').map(quoteIdent).join('.');

class Params {
  readonly list: ParamRef[] = [];
  add(param: ParamRef): string {
    // Constants are never shared: one placeholder takes one type, and two columns may differ.
    const same = param.ref === 'const' ? -1 : this.list.findIndex((p) => JSON.stringify(p) === JSON.stringify(param));
    if (same >= 0) return `$${same + 1}`;
    this.list.push(param);
    return `$${this.list.length}`;
  }
}

/** `<alias>.col IN (SELECT … WHERE identity = $n)`: the subject's rows of the path's first table. */
function reachPredicate(path: ReachPath, alias: string, params: Params): string {
  const identityParam = params.add({ ref: path.identity.kind });
  if (path.hops.length === 0) return `${alias}.${quoteIdent(path.identity.column)} = ${identityParam}`;
  // Innermost query: the identity table; each hop wraps it.
  let inner = `${identityParam}`;
  let column = path.identity.column;
  for (let i = path.hops.length - 1; i >= 0; i--) {
    const hop = path.hops[i];
    const where = i === path.hops.length - 1 ? `${quoteIdent(column)} = ${inner}` : `${quoteIdent(column)} IN (${inner})`;
    inner = `SELECT ${quoteIdent(hop.parentColumn)} FROM ${quoteTable(hop.parentTable)} WHERE ${where}`;
    column = hop.column;
  }
  return `${alias}.${quoteIdent(path.hops[0].column)} IN (${inner})`;
}

/** The predicate alone, for counting and scanning (`t` is the table's alias). */
export function subjectPredicate(path: ReachPath, params: Params = new Params()): { text: string; params: ParamRef[] } {
  return { text: reachPredicate(path, 't', params), params: params.list };
}

/** HMAC-SHA256 in plain SQL (built-in sha256, no extension): H((K⊕opad) ‖ H((K⊕ipad) ‖ m)). */
export function hmacExpression(valueSql: string, params: Params): string {
  const outer = params.add({ ref: 'hmac_outer' });
  const inner = params.add({ ref: 'hmac_inner' });
  return `encode(sha256(decode(${outer}, 'hex') || sha256(decode(${inner}, 'hex') || convert_to(${valueSql}::text, 'UTF8'))), 'hex')`;
}

function setExpression(set: SetOperation, params: Params): string {
  const column = quoteIdent(set.column);
  switch (set.op) {
    case 'null':
      return `${column} = NULL`;
    case 'const':
      return `${column} = ${params.add({ ref: 'const', value: set.value })}`;
    case 'now':
      return `${column} = ${params.add({ ref: 'now' })}`;
    case 'pseudonymise':
      return `${column} = ${hmacExpression(`t.${column}`, params)}`;
    case 'truncate':
      return `${column} = left(t.${column}, ${Math.trunc(set.length)})`;
    case 'date_trunc':
      return `${column} = date_trunc('${set.unit}', t.${column})`;
  }
}

/** When a retained row's period starts (`t` is the table's alias). */
export function retentionStart(retain: NonNullable<SqlStep['retain']>): string {
  return `COALESCE(t.${quoteIdent(retain.from)}${retain.fallbackFrom ? `, t.${quoteIdent(retain.fallbackFrom)}` : ''})`;
}

/**
 * The statement of a step. Delete and update return `n`; a retain step also returns the earliest
 * and latest start of the retention period (`earliest`, `latest`), from which the purge dates follow.
 */
export function buildStepSql(step: SqlStep): BuiltSql {
  const params = new Params();
  const table = `${quoteTable(step.table)} AS t`;
  const where = reachPredicate(step.reach, 't', params);
  const from = step.retain ? retentionStart(step.retain) : null;
  const returning = from ? `${from} AS f` : '1 AS f';
  let touched: string;
  if (step.rows === 'delete') {
    touched = `DELETE FROM ${table} WHERE ${where} RETURNING ${returning}`;
  } else if (step.sets.length > 0) {
    touched = `UPDATE ${table} SET ${step.sets.map((s) => setExpression(s, params)).join(', ')} WHERE ${where} RETURNING ${returning}`;
  } else {
    touched = `SELECT ${returning} FROM ${table} WHERE ${where}`;
  }
  const summary = from ? 'count(*)::int AS n, min(x.f) AS earliest, max(x.f) AS latest' : 'count(*)::int AS n';
  return { text: `WITH x AS (${touched}) SELECT ${summary} FROM x`, params: params.list };
}

/** How many of the subject's rows a table holds now (dry run, verification). */
export function buildCountSql(step: Pick<SqlStep, 'table' | 'reach'>): BuiltSql {
  const params = new Params();
  const where = reachPredicate(step.reach, 't', params);
  return { text: `SELECT count(*)::int AS n FROM ${quoteTable(step.table)} AS t WHERE ${where}`, params: params.list };
}

/**
 * Which of `tables` still hold any of the subject's rows, in one statement: a column `e<k>` for the
 * k-th table (the verification reads only those of the tables the erasure emptied).
 */
export function buildAnyRowsSql(tables: Array<Pick<SqlStep, 'table' | 'reach'>>): BuiltSql {
  const params = new Params();
  const checks = tables.map((step, k) => `EXISTS (SELECT 1 FROM ${quoteTable(step.table)} AS t WHERE ${reachPredicate(step.reach, 't', params)}) AS e${k}`);
  return { text: `SELECT ${checks.join(', ')}`, params: params.list };
}

/**
 * Deletes the retained rows of an erased subject whose period has ended; rows still referenced by a
 * retained child table wait for that child's own purge (children go first).
 */
export function buildPurgeSql(step: SqlStep, retainedChildren: Array<{ table: string; column: string; parentColumn: string }>): BuiltSql {
  if (!step.retain) throw new Error('not a retained table');
  const params = new Params();
  const where = reachPredicate(step.reach, 't', params);
  const from = retentionStart(step.retain);
  const due = `${from} + ${params.add({ ref: 'period', value: step.retain.period })}::interval <= ${params.add({ ref: 'now' })}::timestamptz`;
  const waits = retainedChildren.map(
    (c) => `NOT EXISTS (SELECT 1 FROM ${quoteTable(c.table)} AS c WHERE c.${quoteIdent(c.column)} = t.${quoteIdent(c.parentColumn)})`,
  );
  const deleted = `DELETE FROM ${quoteTable(step.table)} AS t WHERE ${[where, due, ...waits].join(' AND ')} RETURNING 1`;
  // The outer query sees the table as it was before the DELETE, so remaining = before − deleted.
  const before = `SELECT count(*)::int FROM ${quoteTable(step.table)} AS t WHERE ${where}`;
  return { text: `WITH d AS (${deleted}) SELECT (SELECT count(*)::int FROM d) AS n, (${before}) - (SELECT count(*)::int FROM d) AS remaining`, params: params.list };
}

export { Params };

/** What the data export reads of one table: the subject's rows, these columns, some rows left out. */
export interface SubjectRowsQuery {
  table: string;
  columns: string[];
  path: ReachPath;
  exclude?: { column: string; values: string[] };
}

/**
 * `SELECT` of the subject's rows for the data export (run behind a cursor). `select` replaces the
 * plain columns by expressions over `t` (the export's COPY, which has PostgreSQL write the text).
 */
export function buildReadSql(query: SubjectRowsQuery, select?: string[]): BuiltSql {
  const params = new Params();
  const where = reachPredicate(query.path, 't', params);
  const columns = (select ?? query.columns.map((c) => `t.${quoteIdent(c)}`)).join(', ');
  let exclude = '';
  if (query.exclude) {
    const column = `t.${quoteIdent(query.exclude.column)}`;
    exclude = ` AND (${column} IS NULL OR ${column}::text NOT IN (${query.exclude.values.map((value) => params.add({ ref: 'const', value })).join(', ')}))`;
  }
  return { text: `SELECT ${columns} FROM ${quoteTable(query.table)} AS t WHERE ${where}${exclude}`, params: params.list };
}
