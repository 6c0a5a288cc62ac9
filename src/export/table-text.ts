/**
 * One table's rows as the export's two texts: a JSON object and a CSV record per row, built
 * straight from the row's values (no object per row, no CSV library per batch: this is the
 * export's hot loop). The CSV is what csv-stringify writes with `bom`, `header` and
 * `escape_formulas` (`table-text.test.ts` holds them to it byte for byte).
 */

/** A value as JSON and CSV can carry it: times in ISO 8601 UTC, bytes in base64, big integers as text. */
export function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

function jsonValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value === null ? 'null' : (JSON.stringify(value) ?? 'null');
  }
}

/** Characters a spreadsheet reads as the start of a formula (CSV injection), the full-width forms too. */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);
const NEEDS_QUOTES = /[",\n\r]/;

/** A text cell: prefixed with `'` when it could start a formula, quoted when it holds `"`, `,` or a line break. */
function csvText(text: string): string {
  if (text.length === 0) return text;
  const cell = FORMULA_START.has(text[0]) ? `'${text}` : text;
  return NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** A CSV cell: nothing for null, booleans as words, JSON columns as JSON text; a negative number stays a number. */
function csvValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return csvText(value);
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value === null || value === undefined ? '' : csvText(JSON.stringify(value));
  }
}

export interface TableText {
  /** The CSV's start: byte-order mark (so spreadsheet programs read UTF-8) and header record. */
  csvHeader: string;
  /** One row (plain values, in column order) as a JSON object. */
  json(values: unknown[]): string;
  /** One row as a CSV record, line break included. */
  csv(values: unknown[]): string;
}

export function tableText(columns: string[]): TableText {
  const keys = columns.map((name, i) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`);
  return {
    csvHeader: `\uFEFF${columns.map(csvText).join(',')}\n`,
    json(values) {
      let text = keys.length === 0 ? '{' : '';
      for (let i = 0; i < keys.length; i++) text += keys[i] + jsonValue(values[i]);
      return `${text}}`;
    },
    csv(values) {
      let text = '';
      for (let i = 0; i < values.length; i++) text += (i === 0 ? '' : ',') + csvValue(values[i]);
      return `${text}\n`;
    },
  };
}
