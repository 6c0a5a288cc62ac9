/**
 * What other features use of documents: attaching uploads to an application, listing them for
 * review, and disposing of them. Everything else about documents stays inside this folder.
 */
import { and, asc, eq, inArray, isNull, notInArray, or, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { VerificationFailed } from '../erasure/step-errors.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { documents } from './documents.tables.ts';
import { DISPOSE_QUEUE, markDocumentsDestroyed, removeDestroyedFiles, type DisposalJob } from './document-disposal.ts';
import { MAX_DOCUMENTS_PER_APPLICATION } from './upload-limits.ts';

/**
 * Makes `documentIds` the document set of the application, inside the caller's transaction.
 *
 * - Each id must be the buyer's own, not destroyed, and not attached to another application;
 *   otherwise `DOCUMENT_NOT_FOUND` (the same answer for another buyer's id as for a made-up one).
 *   More than 6 distinct ids: `TOO_MANY_DOCUMENTS`. Throwing leaves the caller's transaction to roll back.
 * - Replacing (resubmit): documents of this application that are not in the new set are destroyed
 *   (key now, file by a `documents.dispose` job after commit) — superseded ID photos are not kept.
 *   Ids already attached to this application may be passed again to keep them.
 * - An empty list changes nothing (a resubmit without new documents keeps the current ones).
 */
export async function attachDocuments(ctx: AppContext, tx: Db, userId: string, applicationId: string, documentIds: string[]): Promise<void> {
  const ids = [...new Set(documentIds)];
  if (ids.length === 0) return;
  if (ids.length > MAX_DOCUMENTS_PER_APPLICATION) throw new AppError('TOO_MANY_DOCUMENTS', { max: MAX_DOCUMENTS_PER_APPLICATION });
  const now = ctx.clock.now();
  // Conditional UPDATE: a document racing into two applications lands in at most one.
  const attached = await tx
    .update(documents)
    .set({ applicationId, attachedAt: now })
    .where(
      and(
        inArray(documents.id, ids),
        eq(documents.userId, userId),
        isNull(documents.destroyedAt),
        or(isNull(documents.applicationId), eq(documents.applicationId, applicationId)),
      ),
    )
    .returning({ id: documents.id });
  if (attached.length !== ids.length) {
    const found = new Set(attached.map((a) => a.id));
    throw new AppError('DOCUMENT_NOT_FOUND', { documentIds: ids.filter((id) => !found.has(id)) });
  }
  const replaced = await markDocumentsDestroyed(
    ctx,
    tx,
    and(eq(documents.applicationId, applicationId), notInArray(documents.id, ids)),
    'replaced',
    { target: applicationId },
  );
  if (replaced.length > 0) await scheduleDocumentDisposal(ctx, tx, applicationId);
}

/** The live documents of an application, oldest first (for the review console). */
export async function listApplicationDocuments(db: Db, applicationId: string): Promise<Array<{ documentId: string; kind: string }>> {
  return db
    .select({ documentId: documents.id, kind: documents.kind })
    .from(documents)
    .where(and(eq(documents.applicationId, applicationId), isNull(documents.destroyedAt)))
    .orderBy(asc(documents.createdAt), asc(documents.id));
}

/**
 * Enqueues, inside the caller's transaction, the destruction of the application's documents (key
 * and file). Call it when the application is withdrawn (or erasure starts). The job re-checks the
 * application's state when it runs: documents of an application that is open again are kept.
 */
export async function scheduleDocumentDisposal(ctx: AppContext, tx: Db, applicationId: string): Promise<void> {
  const job: DisposalJob = { scope: 'application', applicationId };
  await ctx.jobs.enqueue(tx, DISPOSE_QUEUE, job);
}

/**
 * For the erasure engine: destroys every document of the buyer (wrapped keys now, then files) and
 * returns how many were destroyed by this call. Idempotent: a second call destroys nothing more,
 * returns 0, and still retries any file deletion left undone.
 */
export async function destroyUserDocuments(ctx: AppContext, userId: string): Promise<number> {
  const destroyed = await ctx.db.transaction((tx) => markDocumentsDestroyed(ctx, tx, eq(documents.userId, userId), 'erasure'));
  await removeDestroyedFiles(ctx, eq(documents.userId, userId), 100_000);
  return destroyed.length;
}

/**
 * The erasure's shred step (and `erase --reapply`): destroys the buyer's documents and reports how many the erasure
 * destroyed in all, counted rather than taken from the call, so a resumed step reports what the
 * first attempt did.
 */
export async function shredUserDocuments(ctx: AppContext, userId: string): Promise<number> {
  await destroyUserDocuments(ctx, userId);
  // The residue check: ciphertext no scan can read, so checked by name in the storage.
  const residue = await documentResidue(ctx, userId);
  if (residue > 0) throw new VerificationFailed(`encrypted bytes of ${residue} document(s) are still in the document storage`);
  const [{ n }] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(documents)
    .where(and(eq(documents.userId, userId), eq(documents.destroyReason, 'erasure')));
  return n;
}

/** How many of the subject's documents still have bytes in the storage (residue after disposal or erasure). */
export async function documentResidue(ctx: AppContext, userId: string): Promise<number> {
  const rows = await ctx.db.select({ name: documents.storageName }).from(documents).where(eq(documents.userId, userId));
  return (await ctx.documentStorage.present(rows.map((r) => r.name))).length;
}
