import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import type { ExportTable } from '../../src/domain/export-datamap.ts';
import type { SubjectRowsQuery } from '../../src/domain/erasure-sql.ts';
import { copyTableText, isUnsupportedValue, type TableTextSink } from '../../src/export/copy-table-text.ts';
import { createHash, randomBytes } from 'node:crypto';
import { readTableText, writeTableFiles } from '../../src/export/write-table-files.ts';
import { tableText } from '../../src/export/table-text.ts';
import { newId } from '../../src/ids.ts';
import { closeStoreConnections } from '../../src/erasure/store-connection.ts';

/**
 * The export's COPY path (PostgreSQL writes the CSV and JSON) against its row path (node-postgres
 * parses, `table-text.ts` writes), byte for byte, over values that trip CSV, JSON and time text up.
 * PostgreSQL only: the embedded database streams no COPY and always takes the row path.
 */
const AWKWARD_TEXTS = [
  '',
  'plain',
  '=1+2',
  '+33 6 12',
  '-5',
  '@sum',
  '\tTab first',
  '\rCR first',
  '\uFF1Dfull-width equals',
  '\uFF0B',
  '\uFF0D',
  '\uFF20x',
  'say "hi", then go',
  'line one\nline two',
  'crlf\r\nend',
  'comma, only',
  'back\\slash \\n not a newline',
  '\\.',
  '\u0001\u001f control \u007f del',
  'unicode: 中文 — émoji 😀 \u2028 \u2029',
  "it's",
  '{"json":"looking"}',
  ' leading and trailing space ',
  '"',
  ',',
  'NULL',
];

const ROWS_SQL = `
  INSERT INTO copytest.things (id, buyer_id, t, v, n, i2, i4, i8, b, ts, u, mood)
  SELECT 'r' || g, CASE WHEN g % 7 = 3 THEN 'someone-else' ELSE 'buyer-1' END,
         texts[1 + g % cardinality(texts)],
         CASE WHEN g % 5 = 0 THEN NULL ELSE texts[1 + (g * 3) % cardinality(texts)] END,
         (ARRAY[NULL, -12.50, 0, 3.14159265358979323846, 'NaN', 1e30, -0.0001]::numeric[])[1 + g % 7],
         (ARRAY[NULL, -32768, 0, 32767]::int2[])[1 + g % 4],
         (ARRAY[NULL, -2147483648, 0, 2147483647, -1]::int4[])[1 + g % 5],
         (ARRAY[NULL, 0, -1, 9007199254740991, 9007199254740992, 9007199254740993, -9007199254740993, 9223372036854775807, -9223372036854775808, 123456789012345678]::int8[])[1 + g % 10],
         (ARRAY[NULL, true, false]::bool[])[1 + g % 3],
         (ARRAY[NULL, '2026-12-06 11:29:14.123456+00', '2026-01-01 00:00:00+00', '1999-12-31 23:59:59.999999-05', '0500-03-04 05:06:07.5+00', '9999-12-31 23:59:59.999+00', '2024-02-29 12:00:00.001+01']::timestamptz[])[1 + g % 7],
         CASE WHEN g % 4 = 0 THEN NULL ELSE md5(g::text)::uuid END,
         (ARRAY[NULL, 'happy', '=sad', 'so-so, "fine"']::copytest.mood[])[1 + g % 4]
  FROM generate_series(1, 400) AS g, (SELECT $1::text[] AS texts) AS x`;

const COLUMNS = ['id', 't', 'v', 'n', 'i2', 'i4', 'i8', 'b', 'ts', 'u', 'mood'];

function collect(): { sink: TableTextSink; text: () => { csv: string; json: string } } {
  const csv: Buffer[] = [];
  const json: Buffer[] = [];
  return {
    sink: { csv: async (chunk) => void csv.push(Buffer.from(chunk)), json: async (chunk) => void json.push(Buffer.from(chunk)) },
    text: () => ({ csv: Buffer.concat(csv).toString('utf8'), json: Buffer.concat(json).toString('utf8') }),
  };
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('export COPY path vs row path on postgres', () => {
  let t: TestApp;

  afterEach(async () => {
    await t?.close();
    await closeStoreConnections();
  });

  async function setUp(extraColumns = '') {
    t = await createTestApp('postgres');
    const pool = t.ctx.database.pool!;
    await pool.query(`CREATE SCHEMA copytest; CREATE TYPE copytest.mood AS ENUM ('happy', '=sad', 'so-so, "fine"')`);
    await pool.query(`CREATE TABLE copytest.things (id text PRIMARY KEY, buyer_id text NOT NULL, t text, v varchar(200), n numeric, i2 int2, i4 int4, i8 int8, b bool, ts timestamptz, u uuid, mood copytest.mood${extraColumns})`);
    await pool.query(ROWS_SQL, [AWKWARD_TEXTS]);
    return pool;
  }

  const tableOf = (columns: string[], exclude?: ExportTable['exclude']): { table: ExportTable; query: SubjectRowsQuery } => {
    const table: ExportTable = {
      store: { store: 'adieu', database: 'adieu', vacuum: true, tables: {} },
      table: 'copytest.things',
      path: { hops: [], identity: { table: 'copytest.things', column: 'buyer_id', kind: 'user_id' } },
      columns: columns.map((name) => ({ name })),
      ...(exclude ? { exclude } : {}),
      file: 'stores/adieu/copytest.things',
    };
    return { table, query: { table: table.table, columns, path: table.path, exclude: table.exclude } };
  };

  const values = { userId: 'buyer-1', subjectId: 'subject-1', now: new Date() };

  it('writes the same bytes as the row path, rows left out by the exclusion too', async () => {
    const pool = await setUp();
    for (const exclude of [undefined, { column: 't', values: ['plain', "it's", '-5'] }]) {
      const { table, query } = tableOf(COLUMNS, exclude);
      const byRows = collect();
      const rowCount = await readTableText(t.ctx, table, query, values, null, byRows.sink);
      const byCopy = collect();
      const copyCount = await copyTableText(pool, query, values, byCopy.sink);
      expect(copyCount).toBe(rowCount);
      expect(rowCount).toBeGreaterThan(300);
      const rows = byRows.text();
      const copied = byCopy.text();
      // Line by line first, for a readable difference; then the whole text.
      expect(copied.json.split('\n')).toEqual(rows.json.split('\n'));
      expect(copied.csv.split('\n')).toEqual(rows.csv.split('\n'));
      expect(copied).toEqual(rows);
      // The fixture does reach the awkward cases.
      expect(rows.csv).toContain(`'=1+2`);
      expect(rows.csv).toContain(`"say ""hi"", then go"`);
      expect(rows.json).toContain('9223372036854776000');
      expect(rows.json).toContain('"0500-03-04T05:06:07.500Z"');
    }
  });

  it('writes the same bytes for a buyer without rows', async () => {
    const pool = await setUp();
    const { table, query } = tableOf(COLUMNS);
    const none = { ...values, userId: 'nobody' };
    const byRows = collect();
    expect(await readTableText(t.ctx, table, query, none, null, byRows.sink)).toBe(0);
    const byCopy = collect();
    expect(await copyTableText(pool, query, none, byCopy.sink)).toBe(0);
    expect(byCopy.text()).toEqual(byRows.text());
  });

  it('leaves a column type it does not write, and a one-column table, to the row path', async () => {
    const pool = await setUp(', f float8, j jsonb, d date');
    for (const columns of [['id', 'f'], ['id', 'j'], ['id', 'd'], ['id']]) {
      const byCopy = collect();
      expect(await copyTableText(pool, tableOf(columns).query, values, byCopy.sink)).toBeNull();
      expect(byCopy.text()).toEqual({ csv: '', json: '' });
    }
  });

  it('stops at a time it does not write (infinity, years past 9999) so the row path takes the table', async () => {
    const pool = await setUp();
    for (const ts of ['infinity', '-infinity', '10000-01-01 00:00:00+00', '0001-01-01 00:00:00+00 BC']) {
      await pool.query(`UPDATE copytest.things SET ts = $1 WHERE id = 'r7'`, [ts]);
      const error = await copyTableText(pool, tableOf(['id', 'ts']).query, values, collect().sink).catch((e: unknown) => e);
      expect(isUnsupportedValue(error), String(error)).toBe(true);
    }
    // The pool's connections are still good.
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('writes whole files (header, brackets) whose hashes are the row path text, a table of an unsupported time too', async () => {
    const pool = await setUp();
    await pool.query(`UPDATE copytest.things SET ts = 'infinity' WHERE id = 'r7'`);
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    for (const columns of [COLUMNS.filter((c) => c !== 'ts'), COLUMNS]) {
      const { table, query } = tableOf(columns);
      const byRows = collect();
      const rows = await readTableText(t.ctx, table, query, values, null, byRows.sink);
      const text = byRows.text();
      const [json, csv] = await writeTableFiles(t.ctx, newId('exp'), table, values, { file: randomBytes(32), subject: null });
      expect(json).toMatchObject({ rows, sha256: sha(`[${text.json}\n]\n`) });
      expect(csv).toMatchObject({ rows, sha256: sha(tableText(columns).csvHeader + text.csv) });
    }
  });
});
