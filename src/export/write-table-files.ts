import { stringify } from 'csv-stringify/sync';
import type { AppContext } from '../context.ts';
import type { ExportTable } from '../domain/export-datamap.ts';
import { decryptField } from '../keys/field-cipher.ts';
import type { ParamValues } from '../erasure/params.ts';
import { storeConnector } from '../erasure/connectors/connector.ts';
import { connectStore } from '../erasure/store-connection.ts';
import type { ExportPart } from './export.tables.ts';
import { SealedFileWriter } from './export-files.ts';
import { partName } from './part-names.ts';

type Row = Record<string, unknown>;

/** A value as JSON and CSV can carry it: times in ISO 8601 UTC, bytes in base64, big integers as text. */
export function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/** A CSV cell: objects (JSON columns) as JSON text, booleans as words. */
const csvCell = (value: unknown): unknown => (value !== null && typeof value === 'object' ? JSON.stringify(value) : value);

/**
 * CSV for spreadsheet programs: UTF-8 with a byte-order mark (so Chinese text opens right), and a
 * cell that starts with `=`, `+`, `-`, `@`, tab or carriage return prefixed with `'` so it is never
 * read as a formula (CSV injection; csv-stringify's `escape_formulas`).
 */
export function csvChunk(columns: string[], rows: unknown[][], first: boolean): string {
  return stringify(rows, { header: first, columns, bom: first, escape_formulas: true, cast: { boolean: (v) => (v ? 'true' : 'false') } });
}

/**
 * Reads the buyer's rows of one table from its store (a cursor, one batch at a time), decrypts
 * the sealed columns with the buyer's key, and writes the table's JSON and CSV files as the rows
 * arrive. Returns the two parts for the manifest.
 */
export async function writeTableFiles(
  ctx: AppContext,
  exportId: string,
  table: ExportTable,
  values: ParamValues,
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
      return decryptField(keys.subject, stored, `${values.userId}:${field}`);
    } catch {
      // Sealed for another place (or damaged): the buyer gets nothing rather than someone's text.
      return null;
    }
  };
  let first = true;
  try {
    await json.write('[');
    const connector = storeConnector(ctx, table.store);
    const read = connector ? connector.read : connectStore(ctx, table.store).read;
    const rows = await read({ table: table.table, columns: names, path: table.path, exclude: table.exclude }, values, async (batch: Row[]) => {
      const objects = batch.map((row) => {
        const out: Row = {};
        for (const column of table.columns) out[column.name] = column.decrypt ? open(column.decrypt, row[column.name]) : plainValue(row[column.name]);
        return out;
      });
      await json.write((first ? '\n' : ',\n') + objects.map((o) => JSON.stringify(o)).join(',\n'));
      await csv.write(csvChunk(names, objects.map((o) => names.map((n) => csvCell(o[n]))), first));
      first = false;
    });
    if (first) await csv.write(csvChunk(names, [], true));
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
