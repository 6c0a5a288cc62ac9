import { and, asc, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { users } from '../accounts/accounts.tables.ts';
import type { UserRow } from '../accounts/sessions.ts';
import { applications } from '../cancellation/cancellation.tables.ts';
import { documents, type DocumentRow } from './documents.tables.ts';
import { fileContext, openBytes, unwrapDocumentKey } from './document-crypto.ts';
import { readDocumentFile } from './document-files.ts';
import { markDocumentsDestroyed, removeDestroyedFiles } from './document-disposal.ts';
import { mayViewApplicationDocuments } from './review-access.ts';
import { watermarkImage } from './watermark.ts';

export interface DocumentImage {
  bytes: Buffer;
  mediaType: string;
}

/** One answer for "does not exist", "not yours", "not allowed" and "destroyed", so none can be told apart. */
const notFound = () => new AppError('DOCUMENT_NOT_FOUND');

/** The cleaned image in the clear (memory only), or null when its key or file is gone. */
async function decrypt(ctx: AppContext, row: DocumentRow): Promise<Buffer | null> {
  const key = await unwrapDocumentKey(ctx, row.userId, row.id, row.wrappedKey);
  if (!key) return null;
  const sealed = await readDocumentFile(ctx, row.storageName);
  if (!sealed) return null;
  try {
    return openBytes(key, sealed, fileContext(row.id));
  } catch {
    // A file that fails authentication was swapped or damaged on disk: serve nothing, tell operators.
    ctx.logger.error({ documentId: row.id }, 'document file failed authentication');
    return null;
  } finally {
    key.fill(0);
  }
}

async function liveDocument(ctx: AppContext, documentId: string): Promise<DocumentRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(documents)
    .where(and(eq(documents.id, documentId), isNull(documents.destroyedAt)))
    .limit(1);
  return row;
}

/** The buyer's own documents that are still kept (for the upload step of the UI). */
export async function listOwnDocuments(ctx: AppContext, userId: string) {
  const rows = await ctx.db
    .select()
    .from(documents)
    .where(and(eq(documents.userId, userId), isNull(documents.destroyedAt)))
    .orderBy(asc(documents.createdAt), asc(documents.id));
  return rows.map((d) => ({
    documentId: d.id,
    kind: d.kind,
    width: d.width,
    height: d.height,
    createdAt: d.createdAt.toISOString(),
    applicationId: d.applicationId,
  }));
}

/** The buyer's preview of their own cleaned, redacted upload. */
export async function viewOwnDocument(ctx: AppContext, user: UserRow, documentId: string): Promise<DocumentImage> {
  const row = await liveDocument(ctx, documentId);
  if (!row || row.userId !== user.id) throw notFound();
  const bytes = await decrypt(ctx, row);
  if (!bytes) throw notFound();
  return { bytes, mediaType: row.mediaType };
}

/** The buyer takes back an upload not yet submitted with an application. */
export async function deleteOwnDocument(ctx: AppContext, user: UserRow, documentId: string): Promise<void> {
  const row = await liveDocument(ctx, documentId);
  if (!row || row.userId !== user.id) throw notFound();
  if (row.applicationId) {
    throw new AppError('INVALID_TRANSITION', {}, { message: 'This document was submitted with your request; it is destroyed when the request is closed.' });
  }
  const scope = and(eq(documents.id, documentId), eq(documents.userId, user.id), isNull(documents.applicationId));
  const destroyed = await ctx.db.transaction((tx) => markDocumentsDestroyed(ctx, tx, scope, 'deleted_by_buyer', { actor: user.subjectId }));
  if (destroyed.length === 0) throw notFound();
  await removeDestroyedFiles(ctx, eq(documents.id, documentId));
}

/**
 * A reviewer's (or admin's) view of a document of an application they are on. The view is audited
 * before the image leaves, and the image carries the viewer's id and the time across all of it.
 */
export async function viewDocumentForReview(ctx: AppContext, viewer: UserRow, applicationId: string, documentId: string): Promise<DocumentImage> {
  const [found] = await ctx.db
    .select({ document: documents, application: applications })
    .from(documents)
    .innerJoin(applications, eq(applications.id, documents.applicationId))
    .where(and(eq(documents.id, documentId), eq(documents.applicationId, applicationId), isNull(documents.destroyedAt)))
    .limit(1);
  const now = ctx.clock.now();
  if (!found || !mayViewApplicationDocuments(viewer, found.application, now)) throw notFound();
  const clear = await decrypt(ctx, found.document);
  if (!clear) throw notFound();

  await ctx.db.transaction(async (tx) => {
    const [buyer] = await tx.select({ subjectId: users.subjectId }).from(users).where(eq(users.id, found.document.userId));
    await appendAudit(tx, {
      at: now,
      actor: viewer.subjectId,
      action: 'document.viewed',
      subject: buyer?.subjectId ?? null,
      target: documentId,
      data: { applicationId, kind: found.document.kind },
    });
  });
  const marked = await watermarkImage(clear, `${viewer.id}  ${now.toISOString()}`);
  clear.fill(0);
  return { bytes: marked, mediaType: 'image/jpeg' };
}
