import { and, eq, inArray, isNotNull, isNull, lte, type SQL } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { users } from '../accounts/accounts.tables.ts';
import { applications } from '../cancellation/cancellation.tables.ts';
import { documents, type DisposalReason } from './documents.tables.ts';
import { disposalReasonFor, UNATTACHED_TTL_MS } from './disposal-rules.ts';

export const DISPOSE_QUEUE = 'documents.dispose';

/** The payload of a `documents.dispose` job: ids only. */
export type DisposalJob =
  | { scope: 'application'; applicationId: string }
  | { scope: 'unattached'; userId: string }
  | { scope: 'files' };

/**
 * Step one of destruction, inside the caller's transaction: the wrapped key is nulled (the file
 * becomes unreadable at commit) and the row marked. One audit entry per buyer concerned.
 */
export async function markDocumentsDestroyed(
  ctx: AppContext,
  tx: Db,
  where: SQL | undefined,
  reason: DisposalReason,
  audit: { actor?: string; target?: string | null } = {},
): Promise<string[]> {
  const now = ctx.clock.now();
  const destroyed = await tx
    .update(documents)
    .set({ destroyedAt: now, wrappedKey: null, destroyReason: reason })
    .where(and(where, isNull(documents.destroyedAt)))
    .returning({ id: documents.id, userId: documents.userId });
  if (destroyed.length === 0) return [];
  const userIds = [...new Set(destroyed.map((d) => d.userId))];
  const subjects = await tx.select({ id: users.id, subjectId: users.subjectId }).from(users).where(inArray(users.id, userIds));
  for (const { id, subjectId } of subjects) {
    const ids = destroyed.filter((d) => d.userId === id).map((d) => d.id);
    await appendAudit(tx, {
      at: now,
      actor: audit.actor ?? 'system',
      action: 'document.destroyed',
      subject: subjectId,
      target: audit.target ?? (ids.length === 1 ? ids[0] : null),
      data: { reason, count: ids.length, documentIds: ids },
    });
  }
  return destroyed.map((d) => d.id);
}

/**
 * Step two, after commit: deletes the encrypted bytes of destroyed documents and records it. A
 * folder is not transactional, so this runs after the key is gone and is retried by the disposal timer.
 */
export async function removeDestroyedFiles(ctx: AppContext, where: SQL | undefined, limit = 1000): Promise<number> {
  const pending = await ctx.db
    .select({ id: documents.id, storageName: documents.storageName })
    .from(documents)
    .where(and(where, isNotNull(documents.destroyedAt), isNull(documents.fileRemovedAt)))
    .limit(limit);
  if (pending.length === 0) return 0;
  await ctx.documentStorage.remove(pending.map((p) => p.storageName));
  await ctx.db
    .update(documents)
    .set({ fileRemovedAt: ctx.clock.now() })
    .where(
      inArray(
        documents.id,
        pending.map((p) => p.id),
      ),
    );
  return pending.length;
}

/** Destroys the documents of an application whose state no longer needs them; re-checks that state first. */
export async function disposeApplicationDocuments(ctx: AppContext, applicationId: string): Promise<number> {
  const destroyed = await ctx.db.transaction(async (tx) => {
    // The row lock orders this against a concurrent resubmit of a rejected application.
    const [application] = await tx
      .select({ status: applications.status, decidedAt: applications.decidedAt })
      .from(applications)
      .where(eq(applications.id, applicationId))
      .for('update');
    if (!application) return [];
    const reason = disposalReasonFor(application, ctx.clock.now(), ctx.config.documents.retainDaysAfterDecision);
    if (!reason) return [];
    return markDocumentsDestroyed(ctx, tx, eq(documents.applicationId, applicationId), reason, { target: applicationId });
  });
  await removeDestroyedFiles(ctx, eq(documents.applicationId, applicationId));
  return destroyed.length;
}

/** Destroys a buyer's uploads that were never submitted with an application within the time allowed. */
export async function disposeUnattachedDocuments(ctx: AppContext, userId: string): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - UNATTACHED_TTL_MS);
  const scope = and(eq(documents.userId, userId), isNull(documents.applicationId));
  const destroyed = await ctx.db.transaction((tx) => markDocumentsDestroyed(ctx, tx, and(scope, lte(documents.createdAt, cutoff)), 'unattached'));
  await removeDestroyedFiles(ctx, eq(documents.userId, userId));
  return destroyed.length;
}

/** The `documents.dispose` job. Safe to run twice: every step skips what is already done. */
export async function runDisposalJob(ctx: AppContext, job: DisposalJob): Promise<void> {
  await ctx.clock.refresh(ctx.db);
  switch (job.scope) {
    case 'application':
      await disposeApplicationDocuments(ctx, job.applicationId);
      return;
    case 'unattached':
      await disposeUnattachedDocuments(ctx, job.userId);
      return;
    case 'files':
      await removeDestroyedFiles(ctx, undefined);
      return;
  }
}
