import { z } from 'zod';
import { noContent, ok, op, type OperationCatalog } from '../http/openapi/operation.ts';
import { DOCUMENT_KINDS } from './documents.tables.ts';

const time = z.string().describe('ISO 8601 UTC');

export const UploadedDocument = z
  .object({ documentId: z.string(), kind: z.enum(DOCUMENT_KINDS), width: z.number().int(), height: z.number().int() })
  .meta({ id: 'UploadedDocument' });

const OwnDocument = z.object({
  documentId: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  width: z.number().int(),
  height: z.number().int(),
  createdAt: time,
  applicationId: z.string().nullable(),
});

const image = { schema: z.string(), description: 'The cleaned, redacted image (JPEG)', mediaType: 'image/jpeg' };

/** The identity-document routes (buyer uploads under /api/cancellation, the reviewer's view). */
export const documentsOperations: OperationCatalog = {
  'POST /api/cancellation/documents': op('uploadDocument', 'Upload an identity document photo; metadata stripped, redactions burnt in', 'session', { 201: ok(UploadedDocument, 'Stored') }, 'FILE_TOO_LARGE', 'UNSUPPORTED_FILE', 'IMAGE_INVALID', 'VALIDATION_FAILED', 'RATE_LIMITED', 'FORBIDDEN', 'ACCOUNT_FROZEN', 'UNSUPPORTED_MEDIA_TYPE'),
  'GET /api/cancellation/documents': op('listMyDocuments', 'The buyer’s own uploaded documents still kept', 'session', { 200: ok(z.object({ items: z.array(OwnDocument) }), 'Documents, oldest first') }),
  'GET /api/cancellation/documents/:documentId': op('getMyDocument', 'The buyer’s own document image', 'session', { 200: image }, 'DOCUMENT_NOT_FOUND'),
  'DELETE /api/cancellation/documents/:documentId': op('deleteMyDocument', 'Remove an upload not yet part of a submitted request', 'session', { 204: noContent('Removed') }, 'DOCUMENT_NOT_FOUND', 'INVALID_TRANSITION'),
  'GET /api/review/applications/:id/documents/:documentId': op('getReviewDocument', 'A document of a case, watermarked with the viewer (audited)', 'session', { 200: image }, 'FORBIDDEN', 'DOCUMENT_NOT_FOUND', 'APPLICATION_NOT_FOUND'),
};
