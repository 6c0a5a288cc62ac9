import { describe, expect, it } from 'vitest';
import { stringify } from 'csv-stringify/sync';
import { tableText } from './table-text.ts';

/** What the export wrote with csv-stringify before its own writer: the reference, byte for byte. */
const csvStringify = (columns: string[], rows: unknown[][]) =>
  stringify(
    rows.map((row) => row.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v))),
    { header: true, columns, bom: true, escape_formulas: true, cast: { boolean: (v) => (v ? 'true' : 'false') } },
  );

const TRICKY = [
  '',
  'plain',
  'a,b',
  'say "hi"',
  '"',
  'line\nbreak',
  'cr\rlf\r\n',
  '=SUM(A1)',
  '+1',
  '-1',
  '@cmd',
  '\tTab',
  '\rstart',
  '\uFF1D1',
  '\uFF0B1',
  '\uFF0D1',
  '\uFF20x',
  "'quoted",
  '小部件 🎁',
  'back\\slash',
  'lone \ud800 surrogate',
  'sep\u2028arator',
  'nul\u0000ctl\u001f',
  ' spaced ',
  '=a,"b"\n',
];
const VALUES: unknown[] = [...TRICKY, null, 0, -5, 3.25, -0.5, 1e21, true, false, { a: '=x', b: [1, '"'] }, ['admin', 'buyer'], [], {}];

/** A small deterministic generator: the same fuzz every run. */
function* fuzz(count: number): Generator<string> {
  const alphabet = ['a', 'Z', '0', ',', '"', '\n', '\r', '=', '+', '-', '@', '\t', ' ', "'", '\\', '中', '😀', '\uFF1D', '\u2028'];
  let seed = 42;
  for (let n = 0; n < count; n++) {
    let text = '';
    const length = n % 9;
    for (let i = 0; i < length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      text += alphabet[seed % alphabet.length];
    }
    yield text;
  }
}

describe('export table text', () => {
  const columns = ['id', 'note', 'n', 'data'];
  const rows = [...VALUES.map((v, i) => [`r${i}`, v, i, v]), ...[...fuzz(2000)].map((t, i) => [t, t, -i, i % 3 ? t : { t }])];
  const text = tableText(columns);

  it('writes the CSV csv-stringify writes: BOM, header, formula neutralisation, quoting', () => {
    expect(text.csvHeader + rows.map((r) => text.csv(r)).join('')).toBe(csvStringify(columns, rows));
  });

  it('writes a header alone for a table without rows', () => {
    expect(text.csvHeader).toBe(csvStringify(columns, []));
  });

  it('writes each row as JSON.stringify writes the object of its columns', () => {
    for (const row of rows) expect(text.json(row)).toBe(JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, row[i]]))));
  });
});
