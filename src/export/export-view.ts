import type { DataExportRow } from './export.tables.ts';

/** `Export` of API.md: state and times only. */
export function exportView(row: DataExportRow) {
  return {
    id: row.id,
    state: row.state,
    requestedAt: row.requestedAt.toISOString(),
    ...(row.readyAt ? { readyAt: row.readyAt.toISOString() } : {}),
    ...(row.expiresAt ? { expiresAt: row.expiresAt.toISOString() } : {}),
    ...(row.bytes !== null && row.state === 'ready' ? { bytes: row.bytes } : {}),
  };
}
export type ExportView = ReturnType<typeof exportView>;
