import { buildReadSql, quoteIdent, type ParamRef, type SubjectRowsQuery } from './erasure-sql.ts';

/**
 * The data export's two texts of one table written by PostgreSQL itself (`COPY … TO STDOUT`),
 * byte for byte what `src/export/table-text.ts` writes from the rows node-postgres parses: the
 * CSV records (formula cells prefixed with `'`, empty text as an empty cell) and one JSON object a
 * line. Only for the column types whose text is known to be the same both ways; any other type
 * (floats, dates, JSON, arrays, bytes…) leaves the table to the row-by-row path. Pure: no I/O.
 */

/** A column's type as the catalogue names it. */
export interface ColumnType {
  oid: number;
  /** `pg_type.typtype`: `b` base, `e` enum, `d` domain… */
  typtype: string;
}

const BOOL = 16;
const INT8 = 20;
const INT2 = 21;
const INT4 = 23;
const TEXT = 25;
const VARCHAR = 1043;
const TIMESTAMPTZ = 1184;
const NUMERIC = 1700;
const UUID = 2950;

/**
 * Types node-postgres hands over as their text (numeric too: it is not parsed), enums included.
 * Not `char(n)`: its cast to text drops the padding node-postgres keeps.
 */
const TEXT_TYPES = new Set([TEXT, VARCHAR, NUMERIC, UUID]);

/** The largest integer a JS number holds exactly (int8 is read as a number, see src/db/database.ts). */
const SAFE_INTEGER = '9007199254740991';

/**
 * Fails the COPY (division by zero, SQLSTATE 22012) on a value this path does not write the way
 * the row path does; the caller then writes the table again row by row. It depends on the value,
 * so the planner cannot fold it into an error before any row is read, and it names no value.
 */
const unsupported = (v: string) => `(1 / (length(${v}::text) * 0))::text`;
export const UNSUPPORTED_VALUE_SQLSTATE = '22012';

/** A literal of SQL for a parameter's value (COPY takes no parameters; `standard_conforming_strings` is on). */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new Error('a parameter holds a NUL character');
    return `'${value.replaceAll("'", "''")}'`;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new Error('a parameter of an unsupported type');
}

/**
 * A column's value as the text the row path writes, NULL for null, or null when unsupported.
 * `string`: a JS string there (a JSON string, a CSV text cell); `iso`: a time, a JSON string
 * but a CSV cell as is (it starts with a digit and holds no comma); else a number or boolean.
 */
function plainText(v: string, type: ColumnType): { text: string; kind: 'string' | 'iso' | 'other' } | null {
  if ((type.typtype === 'e' || TEXT_TYPES.has(type.oid)) && type.typtype !== 'd') return { text: `${v}::text`, kind: 'string' };
  switch (type.oid) {
    case INT2:
    case INT4:
      return { text: `${v}::text`, kind: 'other' };
    case INT8:
      // Beyond 2^53 a JS number rounds: its text is the shortest float8 text, in plain digits.
      return { text: `CASE WHEN ${v} BETWEEN -${SAFE_INTEGER} AND ${SAFE_INTEGER} THEN ${v}::text ELSE ${v}::float8::text::numeric::text END`, kind: 'other' };
    case BOOL:
      return { text: `CASE WHEN ${v} THEN 'true' WHEN NOT ${v} THEN 'false' END`, kind: 'other' };
    case TIMESTAMPTZ:
      // Date#toISOString, milliseconds truncated; other years (and infinity) are not written here.
      return {
        text: `CASE WHEN ${v} >= '0001-01-01 00:00:00+00' AND ${v} < '10000-01-01 00:00:00+00' THEN to_char(${v} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ELSE ${unsupported(v)} END`,
        kind: 'iso',
      };
    default:
      return null;
  }
}

/** First characters a spreadsheet reads as a formula, as `table-text.ts` lists them: their code points. */
const FORMULA_START = ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'].map((c) => c.codePointAt(0)).join(', ');

/**
 * A text cell: `'` before a formula start (`ascii` gives the first character's code point, 0 for
 * an empty text); an empty text becomes NULL, which COPY writes as an empty cell (it would quote an
 * empty text). COPY quotes what holds `"`, `,` or a line break, as `table-text.ts` does.
 */
const csvTextCell = (text: string) => `CASE WHEN ascii(${text}) IN (${FORMULA_START}) THEN '''' || ${text} ELSE NULLIF(${text}, '') END`;

export interface ExportCopySql {
  /** `COPY` of the CSV records, header left out (the writer adds it, with the byte-order mark). */
  csv: string;
  /** `COPY` of one JSON object a line, each line as is (no quoting, no escapes). */
  json: string;
}

/**
 * Both COPY statements of one table, or null when a column's type (or the table's shape) is not
 * one this path writes. `types` by column name; `resolve` gives the values of the parameters.
 */
export function exportCopySql(query: SubjectRowsQuery, types: Map<string, ColumnType>, resolve: (params: ParamRef[]) => unknown[]): ExportCopySql | null {
  // COPY quotes a lone `\.` of a one-column CSV (the end-of-data marker); the row path does not.
  if (query.columns.length < 2) return null;
  const cells: string[] = [];
  const members: string[] = [];
  for (const [i, name] of query.columns.entries()) {
    const type = types.get(name);
    const plain = type ? plainText(`t.${quoteIdent(name)}`, type) : null;
    if (!plain) return null;
    cells.push(plain.kind === 'string' ? csvTextCell(plain.text) : plain.text);
    const json = plain.kind === 'other' ? plain.text : `to_json(${plain.text})::text`;
    members.push(`${sqlLiteral(`${i === 0 ? '{' : ','}${JSON.stringify(name)}:`)} || coalesce(${json}, 'null')`);
  }
  // Identifiers are lower-case words and the literals above hold no `$`: every `$n` is a parameter.
  const inline = ({ text, params }: { text: string; params: ParamRef[] }) => {
    const values = resolve(params);
    return text.replace(/\$(\d+)/g, (_, n: string) => sqlLiteral(values[Number(n) - 1]));
  };
  const csvSelect = inline(buildReadSql(query, cells));
  const jsonSelect = inline(buildReadSql(query, [`${members.join(' || ')} || '}'`]));
  return {
    csv: `COPY (${csvSelect}) TO STDOUT (FORMAT csv)`,
    // JSON text holds no control character, so with these two as delimiter and quote no line is quoted.
    json: `COPY (${jsonSelect}) TO STDOUT (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')`,
  };
}
