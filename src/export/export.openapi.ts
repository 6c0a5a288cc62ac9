import { z } from 'zod';
import { ok, op, type OperationCatalog } from '../http/openapi/operation.ts';

const time = z.string().describe('ISO 8601 UTC');

export const DataExport = z
  .object({
    id: z.string(),
    state: z.enum(['preparing', 'ready', 'failed', 'expired']),
    requestedAt: time,
    readyAt: time.optional(),
    expiresAt: time.optional().describe('after this the file is destroyed (export.retainDays)'),
    bytes: z.number().int().optional().describe('size of the ZIP'),
  })
  .meta({ id: 'Export' });

export const exportOperations: OperationCatalog = {
  'POST /api/account/exports': op('requestExport', 'Ask for a copy of all your data (needs a fresh step-up); an email says when it is ready', 'session', { 202: ok(DataExport, 'Being prepared') }, 'REAUTH_REQUIRED', 'EXPORT_IN_PROGRESS', 'EXPORT_UNAVAILABLE', 'RATE_LIMITED', 'ACCOUNT_FROZEN'),
  'GET /api/account/exports': op('listExports', 'Your data exports, newest first', 'session', { 200: ok(z.object({ items: z.array(DataExport) }), 'Exports') }),
  'GET /api/account/exports/:id/download': op(
    'downloadExport',
    'Download a ready export (owner only, fresh step-up): a ZIP with manifest.json, manifest.jws, README.html, a JSON and a CSV file per table, and your identity documents',
    'session',
    { 200: { description: 'The ZIP, as an attachment', schema: z.string(), mediaType: 'application/zip' } },
    'EXPORT_NOT_FOUND',
    'REAUTH_REQUIRED',
    'EXPORT_NOT_READY',
    'EXPORT_EXPIRED',
    'VALIDATION_FAILED',
  ),
  'POST /api/admin/exports': op('startExportForBuyer', 'Start an export for a buyer who asked customer service; it is delivered to the buyer, never to the admin (admin, fresh step-up, audited)', 'session', { 202: ok(DataExport, 'Being prepared for the buyer') }, 'FORBIDDEN', 'REAUTH_REQUIRED', 'ACCOUNT_NOT_FOUND', 'EXPORT_IN_PROGRESS', 'EXPORT_UNAVAILABLE', 'RATE_LIMITED', 'VALIDATION_FAILED'),
};
