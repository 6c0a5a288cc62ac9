import type { AppContext } from '../context.ts';
import type { ExportTable } from '../domain/export-datamap.ts';
import { decryptField } from '../keys/field-cipher.ts';
import type { ParamValues } from '../erasure/params.ts';
import { storeConnector } from '../erasure/connectors/connector.ts';
import { connectStore } from '../erasure/store-connection.ts';
import type { ExportPart } from './export.tables.ts';
import { SealedFileWriter } from './export-files.ts';
import { partName } from './part-names.ts';
import { plainValue, tableText } from './table-text.ts';

type Row = Record<string, unknown>;

/**
 * Reads the buyer's rows of one table from its store (a cursor, one batch at a time), decrypts
 * the sealed columns with the buyer's key, and writes the table's JSON and CSV files as the rows
 * arrive. Returns the two parts for the manifest.
 */
export async function writeTableFiles(
  ctx: AppContext,
  exportId: string,
  table: ExportTable,
  params: ParamValues,
  keys: { file: Buffer; subject: Buffer | null },
): Promise<ExportPart[]> {
  const names = table.columns.map((c) => c.name);
  const jsonPath = `${table.file}.json`;
  const csvPath = `${table.file}.csv`;
  const json = await SealedFileWriter.create(ctx, exportId, partName(jsonPath), keys.file, { deflate: true });
  const csv = await SealedFileWriter.create(ctx, exportId, partName(csvPath), keys.file, { deflate: true });
  const open = (field: string, stored: unknown): unknown => {
    if (typeof stored !== 'string' || !stored || !keys.subject) return null;
    try {
      return decryptField(keys.subject, stored, `${params.userId}:${field}`);
    } catch {
      // Sealed for another place (or damaged): the buyer gets nothing rather than someone's text.
      return null;
    }
  };
  const text = tableText(names);
  let first = true;
  try {
    await Promise.all([json.write('['), csv.write(text.csvHeader)]);
    const connector = storeConnector(ctx, table.store);
    const read = connector ? connector.read : connectStore(ctx, table.store).read;
    const values = new Array<unknown>(names.length);
    const rows = await read({ table: table.table, columns: names, path: table.path, exclude: table.exclude }, params, async (batch: Row[]) => {
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
      await Promise.all([json.write(jsonChunk), csv.write(csvChunk)]);
    });
    await json.write(first ? ']\n' : '\n]\n');
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
