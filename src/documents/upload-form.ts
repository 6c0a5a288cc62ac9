import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { DOCUMENT_KINDS, type DocumentKind } from './documents.tables.ts';
import { redactionsSchema, type Redaction } from './redactions.ts';
import { MAX_FILE_BYTES } from './upload-limits.ts';

export interface UploadForm {
  /** The file's bytes. Its client filename and declared Content-Type are read by no one. */
  bytes: Buffer;
  kind: DocumentKind;
  redactions: Redaction[];
}

/** Everything beyond one file and a few short fields is refused while streaming, not after. */
const MULTIPART_LIMITS = {
  fileSize: MAX_FILE_BYTES,
  files: 1,
  fields: 8,
  fieldSize: 16 * 1024,
  fieldNameSize: 100,
  parts: 10,
  headerPairs: 20,
};

const kindSchema = z.enum(DOCUMENT_KINDS);
const invalidField = (field: string, message: string) => new AppError('VALIDATION_FAILED', { fields: { [field]: message } });

function multipartError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  switch ((error as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('FILE_TOO_LARGE', { maxBytes: MAX_FILE_BYTES });
    case 'FST_FILES_LIMIT':
      return invalidField('file', 'send one file per upload');
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
      return new AppError('VALIDATION_FAILED', {}, { message: 'The form has unexpected fields.' });
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return invalidField('redactions', 'expected JSON: [{ "x", "y", "width", "height" }]');
    default:
      return new AppError('BAD_REQUEST', {}, { message: 'The upload could not be read as multipart/form-data.' });
  }
}

function parseRedactions(raw: unknown): Redaction[] {
  if (raw === undefined || raw === '') return [];
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw invalidField('redactions', 'expected JSON: [{ "x", "y", "width", "height" }]');
    }
  }
  const parsed = redactionsSchema.safeParse(value);
  if (!parsed.success) throw invalidField('redactions', 'expected at most 32 rectangles { x, y, width, height } with a positive width and height');
  return parsed.data;
}

/**
 * Reads the upload form: `file`, `kind`, `redactions` in any order, the file into memory with the
 * 10 MB cap enforced while streaming.
 */
export async function readUploadForm(request: FastifyRequest): Promise<UploadForm> {
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', {}, { message: 'Send the photo as multipart/form-data.' });
  let bytes: Buffer | undefined;
  const fields = new Map<string, unknown>();
  try {
    for await (const part of request.parts({ limits: MULTIPART_LIMITS })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw invalidField(part.fieldname, 'unexpected file; send the photo as "file"');
        bytes = await part.toBuffer();
      } else {
        if (part.valueTruncated) throw invalidField(part.fieldname, 'too long');
        fields.set(part.fieldname, part.value);
      }
    }
  } catch (error) {
    throw multipartError(error);
  }
  if (!bytes) throw invalidField('file', 'attach a photo of the document');
  const kind = kindSchema.safeParse(fields.get('kind'));
  if (!kind.success) throw invalidField('kind', `one of ${DOCUMENT_KINDS.join(', ')}`);
  return { bytes, kind: kind.data, redactions: parseRedactions(fields.get('redactions')) };
}
