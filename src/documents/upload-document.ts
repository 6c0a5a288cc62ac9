import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { newId } from '../ids.ts';
import { rateLimiter } from '../accounts/sign-in.ts';
import type { UserRow } from '../accounts/sessions.ts';
import { documents } from './documents.tables.ts';
import { sniffType } from './image-type.ts';
import { cleanImage } from './image-pipeline.ts';
import { fileContext, newDocumentKey, sealBytes, wrapDocumentKey } from './document-crypto.ts';
import { newStorageName, removeDocumentFile, writeDocumentFile } from './document-files.ts';
import { MAX_PENDING_DOCUMENTS, UPLOAD_WINDOW_SECONDS, UPLOADS_PER_DAY } from './upload-limits.ts';
import type { UploadForm } from './upload-form.ts';

export interface UploadedDocument {
  documentId: string;
  kind: string;
  width: number;
  height: number;
}

async function pendingCount(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(documents)
    .where(and(eq(documents.userId, userId), isNull(documents.applicationId), isNull(documents.destroyedAt)));
  return row?.n ?? 0;
}

const tooMany = () => new AppError('TOO_MANY_DOCUMENTS', { max: MAX_PENDING_DOCUMENTS });

/**
 * Checked before the body is read, so a buyer over a limit costs no decoding: at most 6 uploaded
 * documents waiting to be submitted, and 20 upload attempts a day (failed ones count: each costs a decode).
 */
export async function assertUploadAllowed(ctx: AppContext, user: UserRow): Promise<void> {
  if ((await pendingCount(ctx.db, user.id)) >= MAX_PENDING_DOCUMENTS) throw tooMany();
  const decision = await (await rateLimiter(ctx)).hit('document-upload', user.id, UPLOADS_PER_DAY, UPLOAD_WINDOW_SECONDS, ctx.clock.now());
  if (!decision.allowed) {
    throw new AppError(
      'RATE_LIMITED',
      { retryAfterSeconds: decision.retryAfterSeconds },
      { message: `At most ${UPLOADS_PER_DAY} uploads a day. Please try again later.`, headers: { 'retry-after': String(decision.retryAfterSeconds) } },
    );
  }
}

function refuseUnreadable(form: UploadForm) {
  const type = sniffType(form.bytes);
  switch (type.kind) {
    case 'image':
      return type;
    case 'empty':
      throw new AppError('IMAGE_INVALID', {}, { message: 'The file is empty.' });
    case 'pdf':
      throw new AppError(
        'UNSUPPORTED_FILE',
        { format: 'pdf' },
        { message: 'PDF files are not accepted: upload a photo of the document (JPEG, PNG, WebP or HEIC).' },
      );
    default:
      throw new AppError('UNSUPPORTED_FILE');
  }
}

/**
 * Cleans the photo (see `cleanImage`), encrypts it under a fresh document key wrapped by the
 * buyer's key, writes it under a random name and records it. The plaintext never touches the disk.
 */
export async function uploadDocument(ctx: AppContext, user: UserRow, form: UploadForm): Promise<UploadedDocument> {
  const type = refuseUnreadable(form);
  let clean: Awaited<ReturnType<typeof cleanImage>>;
  try {
    clean = await cleanImage(form.bytes, type, form.redactions);
  } finally {
    // The original still carries GPS and the unredacted picture: do not leave it to the GC alone.
    form.bytes.fill(0);
  }

  const documentId = newId('doc');
  const storageName = newStorageName();
  const key = newDocumentKey();
  const sealed = sealBytes(key, clean.data, fileContext(documentId));
  const wrappedKey = await wrapDocumentKey(ctx, user.id, documentId, key);
  key.fill(0);
  clean.data.fill(0);

  await writeDocumentFile(ctx, storageName, sealed);
  try {
    await ctx.db.transaction(async (tx) => {
      // One buyer's concurrent uploads queue here, so together they cannot pass the pending limit.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`documents:${user.id}`}))`);
      if ((await pendingCount(tx, user.id)) >= MAX_PENDING_DOCUMENTS) throw tooMany();
      const now = ctx.clock.now();
      await tx.insert(documents).values({
        id: documentId,
        userId: user.id,
        kind: form.kind,
        width: clean.width,
        height: clean.height,
        mediaType: clean.mediaType,
        byteSize: sealed.length,
        storageName,
        wrappedKey,
        createdAt: now,
      });
      await appendAudit(tx, { at: now, actor: user.subjectId, action: 'document.uploaded', subject: user.subjectId, target: documentId, data: { kind: form.kind } });
    });
  } catch (error) {
    await removeDocumentFile(ctx, storageName).catch(() => undefined);
    throw error;
  }
  return { documentId, kind: form.kind, width: clean.width, height: clean.height };
}
