import type { AppContext } from '../context.ts';
import type { ExportTable } from '../domain/export-datamap.ts';
import type { SubjectRowsQuery } from '../domain/erasure-sql.ts';
import { decryptField } from '../keys/field-cipher.ts';
import type { ParamValues } from '../erasure/params.ts';
import { storeConnector } from '../erasure/connectors/connector.ts';
import { connectStore } from '../erasure/store-connection.ts';
import type { ExportPart } from './export.tables.ts';
import { SealedFileWriter } from './export-files.ts';
import { partName } from './part-names.ts';
import { plainValue, tableText } from './table-text.ts';
import { copyTableText, isUnsupportedValue, type TableTextSink } from './copy-table-text.ts';

type Row = Record<string, unknown>;

/**
 * Writes one table's JSON and CSV files: `[` and the CSV header, then what `fill` writes (the
 * rows, returning how many; null when it wrote nothing and gives the table up), then the array's
 * end. Returns the two parts for the manifest, or null when `fill` gave up.
 */
async function writeTableParts(
  ctx: AppContext,
  exportId: string,
  table: ExportTable,
  fileKey: Buffer,
  fill: (sink: TableTextSink) => Promise<number | null>,
): Promise<ExportPart[] | null> {
  const jsonPath = `${table.file}.json`;
  const csvPath = `${table.file}.csv`;
  const json = await SealedFileWriter.create(ctx, exportId, partName(jsonPath), fileKey, { deflate: true });
  const csv = await SealedFileWriter.create(ctx, exportId, partName(csvPath), fileKey, { deflate: true });
  try {
    await Promise.all([json.write('['), csv.write(tableText(table.columns.map((c) => c.name)).csvHeader)]);
    const rows = await fill({ json: (chunk) => json.write(chunk), csv: (chunk) => csv.write(chunk) });
    if (rows === null) {
      await Promise.all([json.abort(), csv.abort()]);
      return null;
    }
    await json.write(rows === 0 ? ']\n' : '\n]\n');
    const [j, c] = await Promise.all([json.close(), csv.close()]);
    return [
      { path: jsonPath, rows, ...j },
      { path: csvPath, rows, ...c },
    ];
  } catch (error) {
    await Promise.all([json.abort(), csv.abort()]);
    throw error;
  }
}

/**
 * Reads the buyer's rows of one table from its store (a cursor, one batch at a time), decrypts
 * the sealed columns with the buyer's key, and writes them as JSON objects and CSV records as the
 * rows arrive (`table-text.ts`).
 */
export async function readTableText(ctx: AppContext, table: ExportTable, query: SubjectRowsQuery, params: ParamValues, subjectKey: Buffer | null, sink: TableTextSink): Promise<number> {
  const open = (field: string, stored: unknown): unknown => {
    if (typeof stored !== 'string' || !stored || !subjectKey) return null;
    try {
      return decryptField(subjectKey, stored, `${params.userId}:${field}`);
    } catch {
      // Sealed for another place (or damaged): the buyer gets nothing rather than someone's text.
      return null;
    }
  };
  const text = tableText(query.columns);
  const connector = storeConnector(ctx, table.store);
  const read = connector ? connector.read : connectStore(ctx, table.store).read;
  const values = new Array<unknown>(table.columns.length);
  let first = true;
  return read(query, params, async (batch: Row[]) => {
    let jsonChunk = '';
    let csvChunk = '';
    for (const row of batch) {
      for (let i = 0; i < table.columns.length; i++) {
        const column = table.columns[i];
        values[i] = column.decrypt ? open(column.decrypt, row[column.name]) : plainValue(row[column.name]);
      }
      jsonChunk += (first ? '\n' : ',\n') + text.json(values);
      csvChunk += text.csv(values);
      first = false;
    }
    await Promise.all([sink.json(Buffer.from(jsonChunk, 'utf8')), sink.csv(Buffer.from(csvChunk, 'utf8'))]);
  });
}

/**
 * Writes one table's JSON and CSV files of the buyer's rows; returns the two parts for the
 * manifest. A table of a PostgreSQL store with no sealed column is written by PostgreSQL itself
 * (`copy-table-text.ts`: no row parsed here, the export's slowest part otherwise); a column type
 * or value that path does not write as the row path does sends the table to the row path, from
 * scratch. The embedded database streams no COPY: always the row path.
 */
export async function writeTableFiles(
  ctx: AppContext,
  exportId: string,
  table: ExportTable,
  params: ParamValues,
  keys: { file: Buffer; subject: Buffer | null },
): Promise<ExportPart[]> {
  const query: SubjectRowsQuery = { table: table.table, columns: table.columns.map((c) => c.name), path: table.path, exclude: table.exclude };
  const pool = storeConnector(ctx, table.store) || table.columns.some((c) => c.decrypt) ? null : connectStore(ctx, table.store).pool;
  if (pool) {
    const copied = await writeTableParts(ctx, exportId, table, keys.file, (sink) => copyTableText(pool, query, params, sink)).catch((error: unknown) => {
      if (isUnsupportedValue(error)) return null;
      throw error;
    });
    if (copied) return copied;
  }
  const written = await writeTableParts(ctx, exportId, table, keys.file, (sink) => readTableText(ctx, table, query, params, keys.subject, sink));
  if (!written) throw new Error('the row path gave a table up');
  return written;
}
